import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

export class UploadFimSchemaQueryDto {
  @ApiPropertyOptional({
    description:
      'Accept select fields whose code list is not available to intake; such fields then accept any text. Default false: the upload is refused and names the missing code lists.',
    default: false,
  })
  @IsOptional()
  // Only the words true and false: anything else stays as it came and fails @IsBoolean (400), never false.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  allowUnknownCodeLists?: boolean;

  @ApiPropertyOptional({
    enum: ['newest', 'exact'],
    description:
      'When the code-list version a field names is not stored: `newest` uses the newest stored version of the same list (reported in `warnings` and `codeLists`), `exact` refuses the upload. Default: the installation setting `INTAKE_CODELIST_VERSIONS`; `newest` cannot relax an installation set to `exact`.',
  })
  @IsOptional()
  @IsIn(['newest', 'exact'])
  codeListVersions?: 'newest' | 'exact';
}

export class CodeListResolutionDto {
  @ApiProperty({
    description: 'What the schema asks for: its canonicalVersionUri, else the canonical URI.',
    example: 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat_2023-02-24',
  })
  requested!: string;
  @ApiPropertyOptional({ example: 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat' })
  canonicalUri?: string;
  @ApiPropertyOptional({ description: 'Version the schema names.', example: '2023-02-24' })
  version?: string;
  @ApiProperty({
    enum: ['exact', 'newest', 'pinned', 'missing'],
    description:
      '`exact`: the named version; `newest`: the named version is not stored, the newest stored version of the list is used; `missing`: no version is available (only with allowUnknownCodeLists).',
  })
  status!: string;
  @ApiPropertyOptional({
    description: 'canonicalVersionUri of the list used (pinned with the schema version).',
    example: 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat_2024-08-01',
  })
  resolved?: string;
  @ApiPropertyOptional({ example: '2024-08-01' })
  resolvedVersion?: string;
  @ApiProperty({ type: [String], description: 'FIM ids of the select fields using the list.' })
  fields!: string[];
}

export class FimIssueDto {
  @ApiProperty({ example: 'UNEXPECTED_ELEMENT' })
  code!: string;
  @ApiProperty()
  message!: string;
  @ApiPropertyOptional({ example: '/xdatenfelder.stammdatenschema.0102/stammdatenschema/name' })
  xmlPath?: string;
  @ApiPropertyOptional()
  line?: number;
  @ApiPropertyOptional()
  column?: number;
  @ApiPropertyOptional({ example: 'F00000013' })
  elementId?: string;
  @ApiPropertyOptional({
    type: CodeListResolutionDto,
    description:
      'Code-list warnings (`CODE_LIST_NEWER_VERSION`): the resolution, with both versions and the fields.',
  })
  codeList?: CodeListResolutionDto;
}

export class FimSchemaDto {
  @ApiProperty({ example: 'S00000121' })
  schemaId!: string;
  @ApiProperty({ example: '1.0' })
  version!: string;
  @ApiProperty({ example: 'Antrag Blaue Karte EU' })
  name!: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  title!: string | null;
  @ApiProperty({ enum: ['xdf2', 'xdf3'] })
  generation!: 'xdf2' | 'xdf3';
  @ApiProperty({ enum: ['stammdatenschema', 'datenfeldgruppe'] })
  messageType!: string;
  @ApiProperty({ description: 'SHA-256 (hex) of the uploaded XML.' })
  xdfSha256!: string;
  @ApiProperty()
  allowUnknownCodeLists!: boolean;
  @ApiProperty({
    type: [FimIssueDto],
    description:
      'Parser warnings and code lists used in a newer version than named (the schema was accepted).',
  })
  warnings!: FimIssueDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'The code lists this version is pinned to: requested URI -> canonicalVersionUri.',
  })
  codeListPins!: Record<string, string>;
  @ApiProperty({ type: [CodeListResolutionDto], description: 'How every referenced code list was resolved.' })
  codeLists!: CodeListResolutionDto[];
  @ApiProperty({ example: 'hb' })
  uploadedByTenant!: string;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}
