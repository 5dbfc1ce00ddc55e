import { Body, Controller, Delete, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';
import { AuthService } from './auth.service';
import { AdminOnly, CurrentPrincipal, Principal } from './principal';

@ApiTags('api-keys')
@ApiBearerAuth()
@AdminOnly()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly auth: AuthService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for a new or existing tenant (admin)' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiErrors(400, 401, 403)
  create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.auth.createKey(body.tenant);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (admin)' })
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiErrors(400, 401, 403, 404, 409)
  async revoke(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<void> {
    await this.auth.revoke(id, caller.keyId);
  }
}
