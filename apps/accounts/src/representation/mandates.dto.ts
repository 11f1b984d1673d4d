import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxDate,
  Min,
  MinDate,
  ValidateIf,
} from 'class-validator';

/**
 * Dates a mandate can carry: four-digit years, as ISO 8601 and the mandate events need them (JavaScript
 * accepts the year 275760, the events' contract does not).
 */
const EARLIEST = new Date('1900-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T23:59:59.999Z');

export class GrantMandateDto {
  @ApiProperty({
    description:
      'Account key (`<issuer>|<subject>`) of the person or organisation that may act for this organisation',
    example: 'https://id.bund.de|8c1f2e',
  })
  @IsString()
  @Length(3, 1000)
  @Matches(/^[^|\s]+\|[^|\s]+$/, { message: 'representativeKey must look like <issuer>|<subject>' })
  representativeKey!: string;

  @ApiProperty({
    description: 'LeiKa keys of the Leistungen the mandate covers; null for all',
    nullable: true,
    type: [String],
    example: ['99050012104000'],
  })
  @ValidateIf((_o, v) => v !== null)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @Matches(/^99\d{12}$/, { each: true, message: 'each LeiKa key is 99 followed by 12 digits' })
  leikaKeys!: string[] | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Start of validity; default now' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  @MinDate(EARLIEST)
  @MaxDate(LATEST)
  validFrom?: Date;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'End of validity (exclusive); null or absent for unlimited',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @Type(() => Date)
  @IsDate()
  @MinDate(EARLIEST)
  @MaxDate(LATEST)
  validUntil?: Date | null;
}

export class MandateDto {
  @ApiProperty({ format: 'uuid' })
  mandateId!: string;
  @ApiProperty()
  organisationKey!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Display name of the organisation, if it has signed in',
  })
  organisationName!: string | null;
  @ApiProperty()
  representativeKey!: string;
  @ApiProperty({ nullable: true, type: [String] })
  leikaKeys!: string[] | null;
  @ApiProperty({ type: String, format: 'date-time' })
  validFrom!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  validUntil!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt!: Date | null;
  @ApiProperty({
    enum: ['active', 'scheduled', 'expired', 'revoked'],
    description: 'State now: scheduled = validity not yet begun',
  })
  state!: 'active' | 'scheduled' | 'expired' | 'revoked';
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}

export class ListMandatesQuery {
  @ApiPropertyOptional({ description: 'Include revoked mandates', default: false })
  @IsOptional()
  @Matches(/^(true|false)$/, { message: 'includeRevoked is true or false' })
  includeRevoked?: string;
}

/** Most entries one activity page shows. */
export const ACTIVITY_LIMIT = 500;

export class ActivityQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: ACTIVITY_LIMIT, default: ACTIVITY_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ACTIVITY_LIMIT)
  limit?: number;
}

export class MandateListDto {
  @ApiProperty({ type: [MandateDto] })
  items!: MandateDto[];
}

export class ActivityEntryDto {
  @ApiProperty({ description: 'Account key of who acted' })
  actorKey!: string;
  @ApiProperty({
    description:
      'mandate.granted, mandate.revoked, message.read, message.unread, message.deleted, message.replied, attachment.uploaded, attachment.downloaded',
  })
  action!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Id of the mandate, message or file' })
  target!: string | null;
  @ApiProperty({ type: String, format: 'date-time' })
  at!: Date;
}

export class ActivityDto {
  @ApiProperty({ type: [ActivityEntryDto] })
  items!: ActivityEntryDto[];
}
