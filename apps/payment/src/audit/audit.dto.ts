import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class AuditQueryDto {
  @ApiProperty({ required: false, minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class AuditEntryDto {
  @ApiProperty()
  id!: string;
  @ApiProperty()
  tenant!: string;
  @ApiProperty({ description: 'issuer|subject of the admin' })
  actorKey!: string;
  @ApiProperty({ example: 'fee.created' })
  action!: string;
  @ApiProperty()
  target!: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  details!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time' })
  at!: Date;
}
