import { Roles } from '@amtsbote/platform';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ADMIN_ROLES } from '../common/access';
import { SchemasService } from './schemas.service';

export class FimSchemaDto {
  @ApiProperty({ example: 'S00000121' }) schemaId!: string;
  @ApiProperty({ example: '1.0' }) version!: string;
  @ApiProperty({ type: String, format: 'date-time' }) publishedAt!: Date;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'SHA-256 of the XML as the catalog published it (null for early events that did not say).',
  })
  xdfSha256!: string | null;
  @ApiProperty({
    type: [String],
    description:
      'Code lists (canonicalVersionUri) the schema was compiled with that have not reached routing yet; until they do, its submissions wait.',
  })
  missingCodeLists!: string[];
}

export class CodeListDto {
  @ApiProperty({ example: 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat_2024-08-01' })
  canonicalVersionUri!: string;
  @ApiProperty({ description: 'SHA-256 of the genericode document.' }) sha256!: string;
  @ApiProperty({ example: 'urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat' })
  canonicalUri!: string;
  @ApiProperty({ example: '2024-08-01' }) version!: string;
  @ApiProperty() genericodeBytes!: number;
  @ApiProperty({ type: String, format: 'date-time' }) publishedAt!: Date;
}

@ApiTags('fim-schemas')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller()
export class SchemasController {
  constructor(private readonly schemas: SchemasService) {}

  @Get('fim-schemas')
  @ApiOperation({ summary: 'FIM schema versions routing has received from the catalog' })
  @ApiResponse({ status: 200, type: [FimSchemaDto] })
  list(): Promise<FimSchemaDto[]> {
    return this.schemas.list();
  }

  @Get('code-lists')
  @ApiOperation({ summary: 'Code lists routing has received from the catalog (without their content)' })
  @ApiResponse({ status: 200, type: [CodeListDto] })
  codeListsReceived(): Promise<CodeListDto[]> {
    return this.schemas.receivedCodeLists();
  }
}
