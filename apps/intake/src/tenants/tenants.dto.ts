import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import type { TenantKind } from './tenants.entity';

export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const ARS = /^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$/;

export class UpsertTenantDto {
  @ApiProperty({ enum: ['LAND', 'KOMMUNE'], example: 'LAND' })
  @IsIn(['LAND', 'KOMMUNE'])
  kind!: TenantKind;

  @ApiProperty({ example: 'Freie Hansestadt Bremen', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({
    description:
      'Amtlicher Regionalschlüssel: 2 digits (Land) … 12 digits (Gemeinde). Leistungen are offered only within it.',
    example: '04',
  })
  @Matches(ARS)
  ars!: string;
}

export class TenantDto {
  @ApiProperty({ example: 'hb' })
  id!: string;
  @ApiProperty({ enum: ['LAND', 'KOMMUNE'] })
  kind!: TenantKind;
  @ApiProperty({ example: 'Freie Hansestadt Bremen' })
  name!: string;
  @ApiProperty({ example: '04' })
  ars!: string;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}
