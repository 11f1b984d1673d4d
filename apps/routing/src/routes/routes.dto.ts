import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { TENANT_ID } from '../destinations/destinations.dto';

export const LEIKA_PATTERN = /^99\d{12}$/;
export const ARS_PREFIX_PATTERN = /^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$/;

export class RouteInputDto {
  @ApiProperty({ example: '99010001001000', description: 'LeiKa key of the Leistung' })
  @Matches(LEIKA_PATTERN)
  leikaKey!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '04011',
    description: 'ARS prefix of 2, 3, 5, 9 or 12 digits; null for the nationwide default of the Leistung',
  })
  @ValidateIf((_o, v) => v !== null)
  @Matches(ARS_PREFIX_PATTERN)
  ars!: string | null;

  @ApiProperty({ example: 'hb-bewohnerparken' })
  @IsString()
  destinationId!: string;
}

export class RouteDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() tenant!: string;
  @ApiProperty() leikaKey!: string;
  @ApiProperty({ nullable: true, type: String }) ars!: string | null;
  @ApiProperty() destinationId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export class ImportResultDto {
  @ApiProperty() tenant!: string;
  @ApiProperty({ enum: ['merge', 'replace'] }) mode!: 'merge' | 'replace';
  @ApiProperty() total!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty() deleted!: number;
}

export class ResolutionDto {
  @ApiProperty() leikaKey!: string;
  @ApiProperty() ars!: string;
  @ApiProperty({ description: 'Whether a route matched' }) found!: boolean;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: "Matching prefix; '' is the nationwide default",
  })
  matchedPrefix?: string | null;
  @ApiPropertyOptional({ format: 'uuid' }) routeId?: string;
  @ApiPropertyOptional() destinationId?: string;
  @ApiPropertyOptional() destinationActive?: boolean;
  @ApiProperty({
    enum: ['own', 'own-override', 'routing-api', 'own-fallback', 'none'],
    description:
      'own: own route table; own-override: an own regional route won over the Routing API; routing-api: ' +
      'FIT-Connect Routing API; own-fallback: own table after a Routing API miss or error',
  })
  source!: 'own' | 'own-override' | 'routing-api' | 'own-fallback' | 'none';
  @ApiPropertyOptional({
    description:
      'The FIT-Connect Routing API lookup, when the tenant takes this Leistung from it: outcome ' +
      '(hit, cache_hit, miss, ambiguous, error), fitConnectDestinationId, submissionUrl, problem',
  })
  routingApi?: {
    outcome: string;
    fitConnectDestinationId?: string;
    submissionUrl?: string;
    problem?: string;
  };
}

export class ResolveQueryDto {
  @ApiProperty() @Matches(LEIKA_PATTERN) leikaKey!: string;
  @ApiProperty() @Matches(ARS_PREFIX_PATTERN) ars!: string;
  @ApiPropertyOptional({ description: 'Tenant (operators; admins use their own)' })
  @IsOptional()
  @Matches(TENANT_ID)
  tenant?: string;
}

export class ListRoutesQueryDto {
  @ApiPropertyOptional({ example: '99010001001000', description: 'Only the routes of this LeiKa key' })
  @IsOptional()
  @Matches(LEIKA_PATTERN)
  leikaKey?: string;
}

export class ImportQueryDto {
  @ApiPropertyOptional({ enum: ['merge', 'replace'], default: 'merge' })
  @IsOptional()
  @IsIn(['merge', 'replace'])
  mode?: 'merge' | 'replace';

  @ApiPropertyOptional({ description: 'Operators: the tenant to import into' })
  @IsOptional()
  @Matches(TENANT_ID)
  tenant?: string;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'json'], default: 'json' })
  @IsOptional()
  @IsIn(['csv', 'json'])
  format?: 'csv' | 'json';

  @ApiPropertyOptional({ description: 'Operators: the tenant to export' })
  @IsOptional()
  @Matches(TENANT_ID)
  tenant?: string;
}
