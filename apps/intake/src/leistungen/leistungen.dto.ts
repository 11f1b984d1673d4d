import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export const LEIKA_KEY = /^99\d{12}$/;
export const MEDIA_TYPE = /^[a-z]+\/([a-z0-9][a-z0-9.+-]*|\*)$/;
export const MIB = 1024 * 1024;

export class NamesDto {
  @ApiProperty({ example: 'Bewohnerparkausweis beantragen', maxLength: 300 })
  @IsString()
  @Length(1, 300)
  de!: string;

  @ApiPropertyOptional({ example: 'Apply for a residents’ parking permit', maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  en?: string;
}

export class SchemaRefDto {
  @ApiProperty({ example: 'S00000121' })
  @IsString()
  @Length(1, 100)
  id!: string;

  @ApiProperty({ example: '1.0' })
  @IsString()
  @Length(1, 50)
  version!: string;
}

export class AttachmentRulesDto {
  @ApiProperty({
    description: 'Most attachments per draft/submission',
    minimum: 0,
    maximum: 100,
    example: 10,
  })
  @IsInt()
  @Min(0)
  @Max(100)
  maxCount!: number;

  @ApiProperty({ description: 'Largest file in bytes', minimum: 1, maximum: 100 * MIB, example: 10 * MIB })
  @IsInt()
  @Min(1)
  @Max(100 * MIB)
  maxFileBytes!: number;

  @ApiProperty({
    description: 'Largest sum of all files in bytes',
    minimum: 1,
    maximum: 500 * MIB,
    example: 50 * MIB,
  })
  @IsInt()
  @Min(1)
  @Max(500 * MIB)
  maxTotalBytes!: number;

  @ApiProperty({
    description:
      'Allowed media types, checked against the type detected from the file bytes (not the client’s claim); `type/*` allowed. `text/plain` admits UTF-8 text files.',
    example: ['application/pdf', 'image/jpeg', 'image/png'],
    type: [String],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(MEDIA_TYPE, { each: true })
  mediaTypes!: string[];
}

export const DEFAULT_ATTACHMENT_RULES: AttachmentRulesDto = {
  maxCount: 10,
  maxFileBytes: 10 * MIB,
  maxTotalBytes: 50 * MIB,
  mediaTypes: ['application/pdf', 'image/jpeg', 'image/png'],
};
export const DEFAULT_DRAFT_LIFETIME_SECONDS = 30 * 24 * 3600;

export class UpsertLeistungDto {
  @ApiProperty({ type: NamesDto })
  @ValidateNested()
  @Type(() => NamesDto)
  names!: NamesDto;

  @ApiProperty({
    type: SchemaRefDto,
    description: 'The stored FIM schema version submissions are validated against.',
  })
  @ValidateNested()
  @Type(() => SchemaRefDto)
  fimSchema!: SchemaRefDto;

  @ApiProperty({
    description:
      'Minimum trust level (STORK-QAA 1–4; 3 = eIDAS substantial, 4 = high / online ID card) of a signed-in applicant.',
    minimum: 0,
    maximum: 4,
    example: 3,
  })
  @IsInt()
  @Min(0)
  @Max(4)
  minTrustLevel!: number;

  @ApiPropertyOptional({
    description: 'Anonymous submissions allowed (they get a receipt token instead of an account).',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  anonymousAllowed?: boolean;

  @ApiProperty({
    description:
      'ARS prefixes (2, 3, 5, 9 or 12 digits) the Leistung is offered in; each must lie within the tenant’s ARS.',
    example: ['04011'],
    type: [String],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Matches(/^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$/, { each: true })
  regions!: string[];

  @ApiPropertyOptional({
    type: AttachmentRulesDto,
    description: 'Default: 10 files, 10 MiB each, 50 MiB in total, PDF/JPEG/PNG.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => AttachmentRulesDto)
  attachments?: AttachmentRulesDto;

  @ApiPropertyOptional({
    description: 'Drafts disappear this many seconds after their last change.',
    minimum: 1,
    maximum: 366 * 24 * 3600,
    default: DEFAULT_DRAFT_LIFETIME_SECONDS,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(366 * 24 * 3600)
  draftLifetimeSeconds?: number;

  @ApiPropertyOptional({
    description: 'Offered at all (inactive Leistungen accept no drafts or submissions).',
    default: true,
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class LeistungDto {
  @ApiProperty({ example: 'hb' })
  tenant!: string;
  @ApiProperty({ example: '99050012104000' })
  leikaKey!: string;
  @ApiProperty({ type: NamesDto })
  names!: NamesDto;
  @ApiProperty({ type: SchemaRefDto })
  fimSchema!: SchemaRefDto;
  @ApiProperty({ example: 3 })
  minTrustLevel!: number;
  @ApiProperty()
  anonymousAllowed!: boolean;
  @ApiProperty({ type: [String], example: ['04011'] })
  regions!: string[];
  @ApiProperty({ type: AttachmentRulesDto })
  attachments!: AttachmentRulesDto;
  @ApiProperty({ example: DEFAULT_DRAFT_LIFETIME_SECONDS })
  draftLifetimeSeconds!: number;
  @ApiProperty()
  active!: boolean;
  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}
