import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { LimitQueryDto } from '../common/limit-query.dto';

export class UnroutableQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-03-01T00:00:00Z',
    description: 'Only submissions recorded at or after this time',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
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
