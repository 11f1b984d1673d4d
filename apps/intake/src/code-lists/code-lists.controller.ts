import { BodyLimit, CurrentPrincipal, type Principal, Roles } from '@amtsbote/platform';
import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { adminTenant } from '../common/admin';
import { XML_DOCUMENT_BODY_LIMIT } from '../common/body-limits';
import { ApiProblems } from '../common/openapi';
import { requireXmlBody } from '../common/xml-upload';
import { CodeListDetailDto, CodeListDto, ListCodeListsQueryDto } from './code-lists.dto';
import { CodeListsService } from './code-lists.service';

const URI_PARAM = ApiParam({
  name: 'canonicalVersionUri',
  description: 'canonicalVersionUri of the list version, percent-encoded.',
  example: 'urn%3Ade%3Abund%3Adestatis%3Abevoelkerungsstatistik%3Aschluessel%3Astaat_2024-08-01',
});

@ApiTags('catalog admin')
@ApiBearerAuth()
@Roles('catalog-admin')
@Controller('admin/code-lists')
export class CodeListsController {
  constructor(private readonly lists: CodeListsService) {}

  @Post()
  @BodyLimit(XML_DOCUMENT_BODY_LIMIT)
  @ApiOperation({
    summary: 'Upload a genericode code list (XML)',
    description:
      'Send the genericode 1.0 document (e.g. as downloaded from the XRepository) as the raw request body with `Content-Type: application/xml`; at most 16 MiB. ' +
      'It is parsed like every XML input (no DTDs, no entities), stored by its canonicalVersionUri, shared by all tenants and announced to routing. ' +
      'The same version with the same document answers 200, with another document 409. Parser errors come back as 422 with every issue in `errors[]` (`path` is the XML path, `line`/`column` where known). ' +
      'A list whose gzip-compressed document exceeds 240 KiB in base64 cannot be passed on to routing and is refused with 413. Role `catalog-admin` (of any tenant: FIM is national); audit-logged for the admin’s tenant.',
  })
  @ApiConsumes('application/xml', 'text/xml')
  @ApiBody({
    schema: {
      type: 'string',
      example: '<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">…',
    },
  })
  @ApiCreatedResponse({ type: CodeListDto, description: 'Stored and announced.' })
  @ApiOkResponse({ type: CodeListDto, description: 'This exact version was already stored.' })
  @ApiProblems(400, 401, 403, 409, 413, 415, 422)
  async upload(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CodeListDto> {
    const actor = adminTenant(principal);
    const xml = requireXmlBody(body, { de: 'das genericode-Dokument', en: 'the genericode document' });
    const result = await this.lists.upload(xml, actor);
    void reply.status(result.created ? 201 : 200);
    return result.list;
  }

  @Get()
  @ApiOperation({ summary: 'List stored code-list versions (without their content)' })
  @ApiOkResponse({ type: [CodeListDto] })
  @ApiProblems(400, 401, 403)
  list(@Query() query: ListCodeListsQueryDto): Promise<CodeListDto[]> {
    return this.lists.list(query.canonicalUri);
  }

  @Get(':canonicalVersionUri')
  @URI_PARAM
  @ApiOperation({ summary: 'One stored code-list version, with the schema versions pinned to it' })
  @ApiOkResponse({ type: CodeListDetailDto })
  @ApiProblems(401, 403, 404)
  get(@Param('canonicalVersionUri') canonicalVersionUri: string): Promise<CodeListDetailDto> {
    return this.lists.get(canonicalVersionUri);
  }

  @Get(':canonicalVersionUri/genericode')
  @URI_PARAM
  @Header('content-type', 'application/xml; charset=utf-8')
  @ApiOperation({ summary: 'The genericode document of a stored code-list version, as uploaded' })
  @ApiProduces('application/xml')
  @ApiOkResponse({ schema: { type: 'string' } })
  @ApiProblems(401, 403, 404)
  genericode(@Param('canonicalVersionUri') canonicalVersionUri: string): Promise<Buffer> {
    return this.lists.genericode(canonicalVersionUri);
  }

  @Delete(':canonicalVersionUri')
  @URI_PARAM
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a code-list version',
    description:
      'Refused with 409 `code-list-in-use` (naming the schema versions in `usedBy`) while a stored FIM schema version is pinned to it. Audit-logged.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblems(401, 403, 404, 409)
  async delete(
    @Param('canonicalVersionUri') canonicalVersionUri: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.lists.delete(canonicalVersionUri, adminTenant(principal));
  }
}
