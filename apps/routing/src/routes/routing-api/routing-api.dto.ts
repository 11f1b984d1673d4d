import { FIT_CONNECT_METADATA_VERSIONS } from '@amtsbote/xoev';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { TENANT_ID } from '../../destinations/destinations.dto';
import { LEIKA_PATTERN } from '../routes.dto';

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

export class FitConnectSenderDto {
  @ApiProperty({ description: 'OAuth token URL of the FIT-Connect environment' })
  @IsUrl(URL_OPTIONS)
  tokenUrl!: string;

  @ApiProperty({ description: 'FIT-Connect sender client id' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  clientId!: string;

  @ApiProperty({
    description: 'File name of the client secret in ROUTING_FITCONNECT_SECRETS_DIR (not the secret)',
  })
  @Matches(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/)
  clientSecretRef!: string;

  @ApiPropertyOptional({ enum: FIT_CONNECT_METADATA_VERSIONS })
  @IsOptional()
  @IsIn([...FIT_CONNECT_METADATA_VERSIONS])
  metadataVersion?: string;

  @ApiPropertyOptional({ description: 'Scopes to ask for' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  scope?: string;
}

export class RoutingApiSettingsInputDto {
  @ApiPropertyOptional({ description: 'Operators: the tenant; admins use their own' })
  @IsOptional()
  @Matches(TENANT_ID)
  tenant?: string;

  @ApiProperty({
    type: [String],
    example: ['99010001001000'],
    description:
      'Leistungen (LeiKa keys) whose Zuständigkeit comes from the FIT-Connect Routing API; [] for none',
  })
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(LEIKA_PATTERN, { each: true })
  leikaKeys!: string[];

  @ApiPropertyOptional({ type: FitConnectSenderDto, description: 'Required when leikaKeys is not empty' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FitConnectSenderDto)
  sender?: FitConnectSenderDto;

  @ApiPropertyOptional({ description: 'Alert contact of the destinations found via the Routing API' })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  alertContact?: string;
}

export class RoutingApiSettingsDto {
  @ApiProperty() tenant!: string;
  @ApiProperty({
    description: 'Whether the installation names a Routing API (ROUTING_FITCONNECT_ROUTING_API_URL)',
  })
  routingApiConfigured!: boolean;
  @ApiProperty({ type: [String] }) leikaKeys!: string[];
  @ApiPropertyOptional({ type: FitConnectSenderDto, nullable: true }) sender!: FitConnectSenderDto | null;
  @ApiPropertyOptional({ nullable: true, type: String }) alertContact!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) updatedBy!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) updatedAt!: Date | null;
}

export class RoutingApiSettingsQueryDto {
  @ApiPropertyOptional({ description: 'Operators: the tenant' })
  @IsOptional()
  @Matches(TENANT_ID)
  tenant?: string;
}
