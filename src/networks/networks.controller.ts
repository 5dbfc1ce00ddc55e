import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { PageQueryDto } from '../common/pagination';
import { CreateNetworkDto, NetworkDto, NetworkPageDto, NetworkPresetDto } from './networks.dto';
import { NetworksService } from './networks.service';

@ApiTags('networks')
@ApiBearerAuth()
@Controller('v1')
export class NetworksController {
  constructor(private readonly networks: NetworksService) {}

  @Post('networks')
  @ApiOperation({ summary: 'Describe a network: ordered tiers (end device first) and the links between them' })
  @ApiCreatedResponse({ type: NetworkDto })
  @ApiErrors(400, 401, 404)
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateNetworkDto): Promise<NetworkDto> {
    return this.networks.create(principal.tenantId, body);
  }

  @Get('networks')
  @ApiOperation({ summary: "The tenant's networks" })
  @ApiOkResponse({ type: NetworkPageDto })
  @ApiErrors(400, 401)
  list(@CurrentPrincipal() principal: Principal, @Query() page: PageQueryDto): Promise<NetworkPageDto> {
    return this.networks.list(principal.tenantId, page.limit, page.offset);
  }

  @Get('networks/:id')
  @ApiOperation({ summary: 'One network' })
  @ApiOkResponse({ type: NetworkDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<NetworkDto> {
    return this.networks.get(principal.tenantId, id);
  }

  @Get('network-presets')
  @ApiOperation({ summary: 'Link presets (3g, 4g, 5g, wifi, wan) with their figures' })
  @ApiOkResponse({ type: [NetworkPresetDto] })
  @ApiErrors(401)
  presets(): NetworkPresetDto[] {
    return this.networks.presets();
  }
}
