import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class AuditQueryDto {
  @ApiProperty({ required: false, minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiProperty({ required: false, description: 'Only entries with a smaller id (paging backwards).' })
  @IsOptional()
  @Matches(/^\d{1,18}$/)
  before?: string;
}

export class AuditEntryDto {
  @ApiProperty({ example: '42' })
  id!: string;
  @ApiProperty({ type: String, format: 'date-time' })
  at!: Date;
  @ApiProperty({ example: 'http://127.0.0.1:4400|hb-catalog-admin' })
  actorKey!: string;
  @ApiProperty({ example: 'hb' })
  tenant!: string;
  @ApiProperty({ example: 'leistung.upsert' })
  action!: string;
  @ApiProperty({ example: 'leistung:hb/99050012104000' })
  target!: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  details!: Record<string, unknown>;
}
