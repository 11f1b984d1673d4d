import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

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
  @ApiProperty({ type: [FimIssueDto], description: 'Parser warnings (the schema was accepted).' })
  warnings!: FimIssueDto[];
  @ApiProperty({ example: 'hb' })
  uploadedByTenant!: string;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}
