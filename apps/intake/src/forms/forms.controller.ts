import { Public } from '@amtsbote/platform';
import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../common/openapi';
import { FormDefinitionDto, PublicLeistungDto } from './forms.dto';
import { etagMatches, FormsService } from './forms.service';

@ApiTags('forms (public)')
@Public()
@Controller('tenants/:tenant/leistungen')
@ApiParam({ name: 'tenant', example: 'hb' })
export class FormsController {
  constructor(private readonly forms: FormsService) {}

  @Get()
  @ApiOperation({ summary: 'The Leistungen a tenant offers (no login needed)' })
  @ApiOkResponse({ type: [PublicLeistungDto] })
  @ApiProblems()
  list(@Param('tenant') tenant: string): Promise<PublicLeistungDto[]> {
    return this.forms.listOffered(tenant);
  }

  @Get(':leikaKey/form')
  @ApiOperation({
    summary: "A Leistung's form definition: JSON Schema, UI hints and attachment rules (no login needed)",
    description:
      'Cacheable: the answer carries a strong `ETag`; send it back in `If-None-Match` to get 304 while nothing changed. ' +
      'Render the form from `ui` (order, labels, help, options, multiplicity), or with react-jsonschema-form from `jsonSchema` and `uiSchema`; validate in the browser with `jsonSchema`, ' +
      'and upload files for the fields in `attachments.fields` to a draft.',
  })
  @ApiParam({ name: 'leikaKey', example: '99050012104000' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'ETag of a cached copy' })
  @ApiOkResponse({ type: FormDefinitionDto, headers: { ETag: { schema: { type: 'string' } } } })
  @ApiResponse({ status: 304, description: 'Not modified: the cached copy is current.' })
  @ApiProblems(404)
  async form(
    @Param('tenant') tenant: string,
    @Param('leikaKey') leikaKey: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const rendered = await this.forms.form(tenant, leikaKey);
    void reply.header('etag', rendered.etag).header('cache-control', 'public, no-cache');
    if (etagMatches(ifNoneMatch, rendered.etag)) {
      await reply.status(304).send();
      return;
    }
    await reply.status(200).header('content-type', 'application/json; charset=utf-8').send(rendered.body);
  }
}
