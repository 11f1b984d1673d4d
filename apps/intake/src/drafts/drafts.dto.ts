import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, Matches } from 'class-validator';
import { AttachmentDto } from '../attachments/attachments.dto';
import { DigitalBescheidConsentField } from '../common/digital-bescheid-consent';
import { FieldProblemDto } from '../common/openapi';
import { ARS, TENANT_ID } from '../tenants/tenants.dto';
import { LEIKA_KEY } from '../leistungen/leistungen.dto';

const DATA_DOC =
  'Form data keyed by FIM ids as in the form definition (`ui`/`jsonSchema`); partial data is fine in a draft. File fields hold `{attachmentId, filename, mediaType, size}` of an attachment uploaded to this draft.';

export class CreateDraftDto {
  @ApiProperty({ example: 'hb' })
  @Matches(TENANT_ID)
  tenant!: string;

  @ApiProperty({ example: '99050012104000' })
  @Matches(LEIKA_KEY)
  leikaKey!: string;

  @ApiPropertyOptional({
    description: 'ARS of the applicant’s Gemeinde (or a prefix), if already known.',
    example: '040110000000',
  })
  @IsOptional()
  @Matches(ARS)
  ars?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: DATA_DOC,
    example: { G00000630: { F00000013: 'Schmidt' } },
  })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;

  @DigitalBescheidConsentField(
    ' Kept with the draft for the portal to show again; send it with the submission too.',
  )
  digitalBescheidConsent?: boolean;
}

export class UpdateDraftDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: `${DATA_DOC} Replaces the stored data.`,
  })
  @IsObject()
  data!: Record<string, unknown>;

  @ApiPropertyOptional({ example: '040110000000' })
  @IsOptional()
  @Matches(ARS)
  ars?: string;

  @DigitalBescheidConsentField(
    ' Kept with the draft for the portal to show again; send it with the submission too. Left out: the stored answer stays.',
  )
  digitalBescheidConsent?: boolean;
}

export class DraftDto {
  @ApiProperty({ format: 'uuid' })
  draftId!: string;
  @ApiProperty({ example: 'hb' })
  tenant!: string;
  @ApiProperty({ example: '99050012104000' })
  leikaKey!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '040110000000' })
  ars!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true })
  data!: Record<string, unknown>;
  @ApiPropertyOptional({
    type: Boolean,
    nullable: true,
    description: 'The consent to a digital Bescheid kept with the draft; null: not asked yet.',
  })
  digitalBescheidConsent!: boolean | null;
  @ApiProperty({
    type: [FieldProblemDto],
    description:
      'What is wrong so far (lenient check: missing required fields are not reported yet; everything else is). Paths point into this body (`/data/...`, `/ars`).',
  })
  fieldErrors!: FieldProblemDto[];
  @ApiProperty({ type: [AttachmentDto] })
  attachments!: AttachmentDto[];
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: Date;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Gone after this moment; every change extends it.',
  })
  expiresAt!: Date;
  @ApiPropertyOptional({
    description:
      'Anonymous drafts only, returned once at creation: send it as `X-Draft-Token` on every later request for this draft and its attachments.',
  })
  accessToken?: string;
}
