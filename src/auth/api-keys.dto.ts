import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'acme-mobile', description: 'tenant name; created on first use' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
    message: 'tenant must be 1-63 lowercase letters, digits, _ or -, starting with a letter or digit',
  })
  tenant: string;
}

export class CreatedApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'acme-mobile' })
  tenant: string;

  @ApiProperty({ description: 'the key itself; shown only in this response' })
  key: string;
}
