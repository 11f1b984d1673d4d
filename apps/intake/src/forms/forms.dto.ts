import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AttachmentRulesDto, NamesDto, SchemaRefDto } from '../leistungen/leistungen.dto';

export class PublicLeistungDto {
  @ApiProperty({ example: 'hb' })
  tenant!: string;
  @ApiProperty({ example: '99050012104000' })
  leikaKey!: string;
  @ApiProperty({ type: NamesDto })
  names!: NamesDto;
  @ApiProperty({ type: SchemaRefDto })
  fimSchema!: SchemaRefDto;
  @ApiProperty({ description: 'Minimum trust level of a signed-in applicant (1–4).', example: 3 })
  minTrustLevel!: number;
  @ApiProperty({ description: 'Submissions without login are accepted.' })
  anonymousAllowed!: boolean;
  @ApiProperty({
    type: [String],
    description: 'ARS prefixes the Leistung is offered in.',
    example: ['04011'],
  })
  regions!: string[];
  @ApiProperty({ description: 'Drafts expire this many seconds after their last change.' })
  draftLifetimeSeconds!: number;
}

export class FormRuleDto {
  @ApiProperty({ example: 'R00000123' })
  id!: string;
  @ApiPropertyOptional()
  version?: string;
  @ApiProperty()
  name!: string;
  @ApiPropertyOptional({ description: 'Free text of the rule; rules are shown, not executed.' })
  text?: string;
  @ApiPropertyOptional()
  script?: string;
}

export class FormOptionDto {
  @ApiProperty({ description: 'The value to submit (code).', example: '04' })
  value!: string;
  @ApiProperty({ example: 'Bremen' })
  label!: string;
  @ApiPropertyOptional()
  help?: string;
}

export class FormConstraintsDto {
  @ApiPropertyOptional() minLength?: number;
  @ApiPropertyOptional() maxLength?: number;
  @ApiPropertyOptional({ description: 'ECMAScript pattern (anchored; use with the `u` flag).' })
  pattern?: string;
  @ApiPropertyOptional({ oneOf: [{ type: 'number' }, { type: 'string' }] }) minimum?: number | string;
  @ApiPropertyOptional({ oneOf: [{ type: 'number' }, { type: 'string' }] }) maximum?: number | string;
  @ApiPropertyOptional({ type: [String], description: 'File fields: allowed media types of this field.' })
  mediaTypes?: string[];
  @ApiPropertyOptional({ description: 'File fields: largest file of this field in bytes.' })
  maxBytes?: number;
}

/** A group or a field, in schema order. */
export class FormCodeListDto {
  @ApiPropertyOptional({ example: 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat' })
  canonicalUri?: string;
  @ApiPropertyOptional({ example: '2023-02-24', description: 'Version the schema names.' })
  version?: string;
  @ApiPropertyOptional({ description: 'canonicalVersionUri the schema names (pinned).' })
  canonicalVersionUri?: string;
  @ApiProperty({
    enum: ['exact', 'newest', 'pinned', 'missing'],
    description:
      '`exact`/`pinned`: the named version; `newest`: the named version is not stored, the newest stored one is used; `missing`: none stored.',
  })
  status!: string;
  @ApiPropertyOptional({ description: 'canonicalVersionUri of the stored list the options come from.' })
  resolved?: string;
  @ApiPropertyOptional({ example: '2024-08-01' })
  resolvedVersion?: string;
  @ApiPropertyOptional({ example: 'Staat' })
  name?: string;
}

export class FormElementDto {
  @ApiProperty({ enum: ['group', 'field'] })
  kind!: 'group' | 'field';
  @ApiProperty({
    description: 'Property name in the data (the FIM id; `<id>_<n>` for repeated siblings).',
    example: 'F00000013',
  })
  key!: string;
  @ApiProperty({
    description: 'JSON Pointer of the element in the data, without array indices.',
    example: '/G00000630/F00000013',
  })
  path!: string;
  @ApiProperty({ example: 'F00000013' })
  id!: string;
  @ApiPropertyOptional()
  version?: string;
  @ApiProperty({ example: 'Familienname' })
  label!: string;
  @ApiPropertyOptional({ description: 'Help text for the applicant.' })
  help?: string;
  @ApiProperty({ example: 1 })
  minOccurs!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null = unbounded', example: 1 })
  maxOccurs!: number | null;
  @ApiProperty()
  required!: boolean;
  @ApiProperty({ description: 'The data holds an array of this element.' })
  repeatable!: boolean;
  @ApiProperty({ type: [FormRuleDto] })
  rules!: FormRuleDto[];
  @ApiPropertyOptional({ type: () => [FormElementDto], description: 'Groups: their elements.' })
  children?: FormElementDto[];
  @ApiPropertyOptional({ enum: ['input', 'select', 'label', 'hidden', 'locked'] })
  feldart?: string;
  @ApiPropertyOptional({
    enum: [
      'text',
      'text_latin',
      'date',
      'time',
      'datetime',
      'bool',
      'num',
      'num_int',
      'num_currency',
      'file',
      'obj',
    ],
  })
  datentyp?: string;
  @ApiPropertyOptional({
    enum: [
      'text',
      'date',
      'time',
      'datetime',
      'checkbox',
      'number',
      'integer',
      'currency',
      'file',
      'select',
      'static',
      'hidden',
      'object',
    ],
    description:
      'Suggested input widget. `file`: upload to the draft, then put `{attachmentId, filename, mediaType, size}` here.',
  })
  widget?: string;
  @ApiPropertyOptional() readOnly?: boolean;
  @ApiPropertyOptional() hidden?: boolean;
  @ApiPropertyOptional({ description: 'Static text of a label field.' }) text?: string;
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] })
  defaultValue?: string | number | boolean;
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] })
  fixedValue?: string | number | boolean;
  @ApiPropertyOptional({ enum: ['keine', 'optional', 'verpflichtend'] }) vorbefuellung?: string;
  @ApiPropertyOptional({ type: [FormOptionDto] }) options?: FormOptionDto[];
  @ApiPropertyOptional({
    type: () => FormCodeListDto,
    description:
      'The code list the field references, also when it is not stored (then any code is accepted and a portal can fetch the list by canonicalUri + version).',
  })
  codeList?: FormCodeListDto;
  @ApiPropertyOptional({ type: FormConstraintsDto }) constraints?: FormConstraintsDto;
}

export class FormUiDto {
  @ApiProperty({ example: 'S00000121' })
  id!: string;
  @ApiPropertyOptional({ example: '1.0' })
  version?: string;
  @ApiProperty({ enum: ['xdf2', 'xdf3'] })
  generation!: string;
  @ApiProperty({ example: 'Antrag Blaue Karte EU' })
  title!: string;
  @ApiPropertyOptional()
  help?: string;
  @ApiProperty({ type: [FormRuleDto] })
  rules!: FormRuleDto[];
  @ApiProperty({ type: [FormElementDto] })
  children!: FormElementDto[];
}

export class AttachmentFieldDto {
  @ApiProperty({ example: '/G00000630/F00001019' })
  path!: string;
  @ApiProperty({ example: 'F00001019' })
  id!: string;
  @ApiProperty()
  label!: string;
  @ApiProperty()
  required!: boolean;
  @ApiProperty()
  repeatable!: boolean;
  @ApiPropertyOptional({ type: [String] })
  mediaTypes?: string[];
  @ApiPropertyOptional()
  maxBytes?: number;
}

export class FormAttachmentRulesDto extends AttachmentRulesDto {
  @ApiProperty({ type: [AttachmentFieldDto], description: 'The file fields of the form.' })
  fields!: AttachmentFieldDto[];
}

export class FormDefinitionDto {
  @ApiProperty({ type: PublicLeistungDto })
  leistung!: PublicLeistungDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'JSON Schema (2020-12) of `data`: properties keyed by FIM ids, `$defs` per id_version, labels as `title`, code lists as `oneOf` const/title. Validate in the browser with any 2020-12 validator; intake validates the same rules.',
  })
  jsonSchema!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: true },
    description:
      'react-jsonschema-form uiSchema to go with `jsonSchema`, by language (`de`, `en`: only our own texts differ; FIM labels are German): "please choose" placeholders, hidden fields, file fields (`ui:field` FimAttachmentField, sub-field labels, allowed types and size), times as text. See libs/fim/README.md "Renderer guidance" for the recommended RJSF settings.',
  })
  uiSchema!: { de: Record<string, unknown>; en: Record<string, unknown> };

  @ApiProperty({
    type: FormUiDto,
    description: 'UI hints: labels, help texts, order, options, multiplicity.',
  })
  ui!: FormUiDto;

  @ApiProperty({ type: FormAttachmentRulesDto })
  attachments!: FormAttachmentRulesDto;
}
