import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

/** Ids of destinations (in routes and in the `destinations` claim) and of tenants. */
export const DESTINATION_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Names of channels and formats (which exist, the registries say). */
export const PLUGIN_NAME = /^[a-z0-9][a-z0-9.-]{0,62}$/;

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const MAX_BYTES = 1024 * 1024 * 1024;

export class DestinationSettingsDto {
  @ApiPropertyOptional({ description: 'Name of the authority (DIN 91379 datatype C)', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional({ description: 'DVDV-style identity präfix:kennung', example: 'psw:04011000' })
  @IsOptional()
  @Matches(/^[a-z0-9]{2,10}:\S{1,100}$/i)
  identity?: string;

  @ApiPropertyOptional({
    description:
      'A registered delivery channel (shipped: http-push, pull; adding one: docs/fachverfahren.md)',
    example: 'http-push',
  })
  @IsOptional()
  @Matches(PLUGIN_NAME)
  channel?: string;

  @ApiPropertyOptional({
    description: 'A registered message format (shipped: xdomea-3.0, fim-xml, fit-connect-json)',
    example: 'xdomea-3.0',
  })
  @IsOptional()
  @Matches(PLUGIN_NAME)
  format?: string;

  @ApiPropertyOptional({
    description: 'Push endpoint (channel http-push)',
    example: 'https://fv.example.org/inbox',
  })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  endpointUrl?: string;

  @ApiPropertyOptional({ description: 'Optional callback when a pull message is waiting (HMAC-signed POST)' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  callbackUrl?: string;

  @ApiPropertyOptional({ description: 'Present the client certificate (ROUTING_PUSH_TLS_*) to the endpoint' })
  @IsOptional()
  @IsBoolean()
  mtls?: boolean;

  @ApiPropertyOptional({
    description:
      "The channel's own settings, checked by the channel; secrets only by reference. Not used by http-push and pull",
    type: Object,
  })
  @IsOptional()
  @IsObject()
  channelSettings?: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'Public RSA key (JWK) to encrypt payload and attachments to (RSA-OAEP-256, A256GCM); null removes it',
    type: Object,
    nullable: true,
  })
  @IsOptional()
  @IsObject()
  publicKey?: Record<string, unknown> | null;

  @ApiPropertyOptional({ description: 'Largest message (payload plus attachments) in bytes' })
  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(MAX_BYTES)
  maxMessageBytes?: number;

  @ApiPropertyOptional({ description: 'Largest single attachment in bytes' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_BYTES)
  maxAttachmentBytes?: number;

  @ApiPropertyOptional({
    description: 'Who is alerted about dead letters and unfetched messages (e-mail or URL)',
  })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  alertContact?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class CreateDestinationDto extends DestinationSettingsDto {
  @ApiProperty({
    description: 'Id used in routes and in the `destinations` claim of the Fachverfahren',
    example: 'hb-bewohnerparken',
  })
  @Matches(DESTINATION_ID)
  id!: string;

  @ApiPropertyOptional({ description: "Tenant; defaults to the admin's own (operators must give it)" })
  @IsOptional()
  @Matches(TENANT_ID)
  tenant?: string;

  @ApiPropertyOptional({ description: 'HMAC secret (at least 32 characters); generated when omitted' })
  @IsOptional()
  @IsString()
  @MinLength(32)
  @MaxLength(512)
  secret?: string;
}

export class RotateSecretDto {
  @ApiPropertyOptional({ description: 'New HMAC secret; generated when omitted' })
  @IsOptional()
  @IsString()
  @MinLength(32)
  @MaxLength(512)
  secret?: string;
}

export class DestinationDto {
  @ApiProperty() id!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty() name!: string;
  @ApiProperty() identity!: string;
  @ApiProperty() channel!: string;
  @ApiProperty() format!: string;
  @ApiProperty({ nullable: true, type: String }) endpointUrl!: string | null;
  @ApiProperty({ nullable: true, type: String }) callbackUrl!: string | null;
  @ApiProperty() mtls!: boolean;
  @ApiProperty({ type: Object }) channelSettings!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: Object }) publicKey!: Record<string, unknown> | null;
  @ApiProperty() maxMessageBytes!: number;
  @ApiProperty() maxAttachmentBytes!: number;
  @ApiProperty() alertContact!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class DestinationWithSecretDto extends DestinationDto {
  @ApiProperty({ description: 'The HMAC secret; shown only now' })
  secret!: string;
}

export class SecretDto {
  @ApiProperty({ description: 'The new HMAC secret; shown only now' })
  secret!: string;
}
