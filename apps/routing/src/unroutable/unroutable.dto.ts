import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';

export class UnroutableQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-03-01T00:00:00Z',
    description: 'Only submissions recorded at or after this time',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class UnroutableDto {
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty({ example: 'hb' }) tenant!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'HB-2026-000042',
    description: 'null for submissions recorded before routing stored it',
  })
  vorgangsnummer!: string | null;
  @ApiProperty({ example: '99010001001000' }) leikaKey!: string;
  @ApiProperty({ example: '040110000000' }) ars!: string;
  @ApiProperty({ example: 'no route for LeiKa 99010001001000 and ARS 040110000000 in tenant hb' })
  reason!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: Date;
}
