import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsObject, IsString, MaxLength } from 'class-validator';
import { PROVIDER_KINDS, type ProviderKind } from './provider';

export class ProviderConfigInputDto {
  @ApiProperty({ enum: PROVIDER_KINDS })
  @IsIn(PROVIDER_KINDS)
  kind!: ProviderKind;

  @ApiProperty({
    description: 'Base URL of the provider API (https in production)',
    example: 'https://payment.example.de/xbezahldienste/v1',
  })
  @IsString()
  @MaxLength(500)
  baseUrl!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Kind-specific settings. Credentials only by reference: `{ "env": "PAYMENT_SECRET_<TENANT>_<NAME>" }` or `{ "file": "<PAYMENT_SECRETS_DIR>/<tenant>/<name>" }`. ' +
      'xbezahldienste: { originatorId, endPointId, auth: { mode: "oauth2", tokenUrl, clientId, clientSecret, scope? } | { mode: "mtls", certificate, privateKey, ca? } | { mode: "none" }, notifications? }; ' +
      'pmpayment-classic: { ags, procedure, salt, accountingRecord? }; simulator: { originatorId?, endPointId? }.',
    example: {
      originatorId: 'hb-stadtkasse',
      endPointId: 'bewohnerparken',
      auth: {
        mode: 'oauth2',
        tokenUrl: 'https://payment.example.de/oauth2/token',
        clientId: 'amtsbote-hb',
        clientSecret: { env: 'PAYMENT_SECRET_HB_CLIENT_SECRET' },
      },
    },
  })
  @IsObject()
  settings!: Record<string, unknown>;
}

export class ProviderConfigDto {
  @ApiProperty()
  tenant!: string;
  @ApiProperty({ enum: ['test', 'production'] })
  environment!: 'test' | 'production';
  @ApiProperty({ enum: PROVIDER_KINDS })
  kind!: ProviderKind;
  @ApiProperty()
  baseUrl!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Settings with credential references',
  })
  settings!: Record<string, unknown>;
  @ApiProperty({
    description: 'This environment is the one this installation uses (PAYMENT_PROVIDER_ENVIRONMENT)',
  })
  active!: boolean;
  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
  @ApiProperty()
  updatedBy!: string;
}
