import { ProblemException, Roles } from '@amtsbote/platform';
import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ADMIN_ROLES } from '../common/access';
import { SchemaNotYetKnownError, SchemasService, SchemaUnusableError } from './schemas.service';

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

  @Get('fim-schemas/:schemaId/:version/xsd')
  @Header('content-type', 'application/xml; charset=utf-8')
  @ApiOperation({
    summary: 'The XSD of the FIM data in messages of this schema version',
    description:
      'The schema routing validates the Antrag (xdomea) or the FIM data (fim-xml) against, compiled with the code lists and pins the catalog accepted the schema with. 404 while the schema or one of its code lists has not reached routing; 422 when it cannot be used.',
  })
  @ApiProduces('application/xml')
  @ApiResponse({ status: 200, schema: { type: 'string' } })
  async xsd(@Param('schemaId') schemaId: string, @Param('version') version: string): Promise<string> {
    try {
      return (await this.schemas.get(schemaId, version)).dataXsd;
    } catch (err) {
      throw schemaProblem(err, `${schemaId} ${version}`);
    }
  }

  @Get('code-lists')
  @ApiOperation({ summary: 'Code lists routing has received from the catalog (without their content)' })
  @ApiResponse({ status: 200, type: [CodeListDto] })
  codeListsReceived(): Promise<CodeListDto[]> {
    return this.schemas.receivedCodeLists();
  }
}

/** Why routing cannot use a schema version, as the admin's answer (anything else stays a server error). */
function schemaProblem(err: unknown, what: string): unknown {
  if (err instanceof SchemaNotYetKnownError) {
    const lists = err.missingCodeLists.join(', ');
    return new ProblemException({
      status: 404,
      code: 'fim-schema-not-ready',
      title: { de: 'Schema noch nicht verfügbar', en: 'Schema not available yet' },
      detail:
        lists === ''
          ? {
              de: `${what} ist noch nicht bei routing angekommen.`,
              en: `${what} has not reached routing yet.`,
            }
          : {
              de: `${what} wartet auf Codelisten, die noch nicht bei routing angekommen sind: ${lists}.`,
              en: `${what} waits for code lists that have not reached routing yet: ${lists}.`,
            },
      extensions: { missingCodeLists: err.missingCodeLists },
    });
  }
  if (err instanceof SchemaUnusableError) {
    return ProblemException.unprocessable(
      'fim-schema-unusable',
      { de: 'Schema nicht verwendbar', en: 'Schema unusable' },
      [],
      { de: `${what} kann nicht verwendet werden: ${err.message}`, en: err.message },
    );
  }
  return err;
}
