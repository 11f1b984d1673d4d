import { adminTenant } from '../common/admin';
import { BodyLimit, CurrentPrincipal, type Principal, Roles } from '@amtsbote/platform';
import { Body, Controller, Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { XML_DOCUMENT_BODY_LIMIT } from '../common/body-limits';
import { ApiProblems } from '../common/openapi';
import { requireXmlBody } from '../common/xml-upload';
import { FimSchemaDto, UploadFimSchemaQueryDto } from './fim-schemas.dto';
import { FimSchemasService } from './fim-schemas.service';

@ApiTags('catalog admin')
@ApiBearerAuth()
@Roles('catalog-admin')
@Controller('admin/fim-schemas')
export class FimSchemasController {
  constructor(private readonly schemas: FimSchemasService) {}

  @Post()
  @BodyLimit(XML_DOCUMENT_BODY_LIMIT)
  @ApiOperation({
    summary: 'Upload an XDatenfelder schema (xdf2 or xdf3 XML)',
    description:
      'Send the Stammdatenschema (or Datenfeldgruppe) message as the raw request body with `Content-Type: application/xml`. ' +
      'It is parsed (no DTDs, no entities; at most 16 MiB), checked to be enforceable, stored and announced to the other services. ' +
      'Code lists resolve to the exact canonicalVersionUri a field names, else to the newest stored version of the same list (a `CODE_LIST_NEWER_VERSION` warning; refused with `codeListVersions=exact` or the installation setting `INTAKE_CODELIST_VERSIONS=exact`); the version is pinned to the lists it resolved to (`codeListPins`). ' +
      'A list that is not available refuses the upload (422 `fim-schema-unusable`, `errors[].path` the field in the data, `elementId` its FIM id) unless `allowUnknownCodeLists=true`. ' +
      'A version is immutable: the same id + version with the same XML answers 200, with different XML 409. Parser errors come back as 422 with every issue in `errors[]` (`path` is the XML path, `line`/`column` where known). ' +
      "Schemas are shared by all tenants (FIM is national); the upload is audit-logged for the admin's tenant.",
  })
  @ApiConsumes('application/xml', 'text/xml')
  @ApiBody({ schema: { type: 'string', example: '<xdf:xdatenfelder.stammdatenschema.0102 …>' } })
  @ApiCreatedResponse({ type: FimSchemaDto, description: 'Stored and announced.' })
  @ApiOkResponse({ type: FimSchemaDto, description: 'This exact version was already stored.' })
  @ApiProblems(400, 401, 403, 409, 413, 415, 422)
  async upload(
    @Body() xml: unknown,
    @Query() query: UploadFimSchemaQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FimSchemaDto> {
    const { actorKey, tenant } = adminTenant(principal);
    const document = requireXmlBody(xml, {
      de: 'das XDatenfelder-Dokument',
      en: 'the XDatenfelder document',
    });
    const result = await this.schemas.upload(document, {
      allowUnknownCodeLists: query.allowUnknownCodeLists ?? false,
      codeListVersions: query.codeListVersions,
      actorKey,
      tenant,
    });
    void reply.status(result.created ? 201 : 200);
    return result.schema;
  }

  @Get()
  @ApiOperation({ summary: 'List stored FIM schemas (without their XML)' })
  @ApiOkResponse({ type: [FimSchemaDto] })
  @ApiProblems(401, 403)
  list(): Promise<FimSchemaDto[]> {
    return this.schemas.list();
  }

  @Get(':schemaId/:version')
  @ApiOperation({ summary: 'One stored FIM schema version' })
  @ApiOkResponse({ type: FimSchemaDto })
  @ApiProblems(401, 403, 404)
  get(@Param('schemaId') schemaId: string, @Param('version') version: string): Promise<FimSchemaDto> {
    return this.schemas.get(schemaId, version);
  }

  @Get(':schemaId/:version/xdf')
  @Header('content-type', 'application/xml; charset=utf-8')
  @ApiOperation({ summary: 'The XML of a stored FIM schema version, as uploaded' })
  @ApiProduces('application/xml')
  @ApiOkResponse({ schema: { type: 'string' } })
  @ApiProblems(401, 403, 404)
  xdf(@Param('schemaId') schemaId: string, @Param('version') version: string): Promise<string> {
    return this.schemas.xdf(schemaId, version);
  }
}
