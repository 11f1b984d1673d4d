import { ApiProperty } from '@nestjs/swagger';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export const LEIKA_PATTERN = /^99\d{12}$/;
export const ARS_PREFIX_PATTERN = /^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$/;

/** Largest fee accepted (999 999,99 EUR): guards against a cents/euros mix-up in the admin UI. */
export const MAX_AMOUNT_CENTS = 99_999_999;

export class FeeInputDto {
  @ApiProperty({ description: 'LeiKa key of the Leistung', example: '99050012104000' })
  @Matches(LEIKA_PATTERN, { message: 'LeiKa key: 99 followed by 12 digits' })
  leikaKey!: string;

  @ApiProperty({
    required: false,
    nullable: true,
    description:
      'Region (ARS prefix of 2, 3, 5, 9 or 12 digits). Omitted: the whole tenant. The most specific prefix wins.',
    example: '04011',
  })
  @IsOptional()
  @Matches(ARS_PREFIX_PATTERN, { message: 'ARS prefix: 2, 3, 5, 9 or 12 digits' })
  arsPrefix?: string | null;

  @ApiProperty({ description: 'The Gebühr in cents (integer; no floats)', example: 2850, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_CENTS)
  amountCents!: number;

  @ApiProperty({
    description:
      'Verwendungszweck. Sanitised to XBezahldienste limits: umlauts transliterated, only [A-Za-z0-9_ -], at most 27 characters.',
    example: 'Bewohnerparkausweis',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  purpose!: string;

  @ApiProperty({
    required: false,
    description: 'Shown on the pay page. Sanitised to at most 250 characters. Default: the purpose.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({
    required: false,
    type: Object,
    additionalProperties: { type: 'string' },
    description:
      'Buchungsdaten for the provider and the Kasse (e.g. Haushaltsstelle, Objektnummer): keys [A-Za-z0-9_-] ≤ 36, values ≤ 250, at most 20 entries.',
    example: { haushaltsstelle: '1.1100.1000', objektnummer: '4711' },
  })
  @IsOptional()
  @IsObject()
  bookingData?: Record<string, string>;
}

export class FeeDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  tenant!: string;
  @ApiProperty()
  leikaKey!: string;
  @ApiProperty({ type: String, nullable: true })
  arsPrefix!: string | null;
  @ApiProperty()
  amountCents!: number;
  @ApiProperty({ enum: ['EUR'] })
  currency!: 'EUR';
  @ApiProperty({ description: 'As stored and sent (sanitised)' })
  purpose!: string;
  @ApiProperty()
  description!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  bookingData!: Record<string, string>;
  @ApiProperty({
    type: [String],
    description: 'Fields whose submitted text was changed to fit the XBezahldienste limits',
    example: ['purpose'],
  })
  sanitizedFields!: string[];
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
}

export class FeeLookupQueryDto {
  @ApiProperty({ example: '99050012104000' })
  @Matches(LEIKA_PATTERN, { message: 'LeiKa key: 99 followed by 12 digits' })
  leikaKey!: string;

  @ApiProperty({ example: '040110000000', description: 'ARS of the submission (2–12 digits)' })
  @Matches(ARS_PREFIX_PATTERN, { message: 'ARS: 2, 3, 5, 9 or 12 digits' })
  ars!: string;
}
