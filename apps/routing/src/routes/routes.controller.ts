import { CurrentPrincipal, type Principal, ProblemException, Roles } from '@amtsbote/platform';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ADMIN_ROLES } from '../common/access';
import { ImportResultDto, ResolutionDto, ResolveQueryDto, RouteDto, RouteInputDto } from './routes.dto';
import { RoutesService } from './routes.service';

@ApiTags('routes (Zuständigkeit)')
@ApiBearerAuth()
@Roles(...ADMIN_ROLES)
@Controller('routes')
export class RoutesController {
  constructor(private readonly routes: RoutesService) {}

  @Get()
  @ApiOperation({ summary: "The tenant's routes (operators: all)" })
  @ApiResponse({ status: 200, type: [RouteDto] })
  list(@CurrentPrincipal() p: Principal, @Query('leikaKey') leikaKey?: string): Promise<RouteDto[]> {
    return this.routes.list(p, leikaKey);
  }

  @Post()
  @ApiOperation({
    summary: 'Create a route, or repoint the existing route of the same LeiKa key and ARS prefix',
  })
  @ApiResponse({ status: 201, type: RouteDto })
  create(@CurrentPrincipal() p: Principal, @Body() body: RouteInputDto): Promise<RouteDto> {
    return this.routes.create(p, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    await this.routes.delete(p, id);
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Bulk import (CSV with header leikaKey,ars,destinationId — comma or semicolon — or JSON)',
    description:
      'All rows are checked first; one bad row rejects the whole import (422 with a JSON Pointer per row: CSV line number or /routes/<index>). ' +
      'mode=merge (default) adds and repoints; mode=replace also deletes the routes of the tenant that are not in the import.',
  })
  @ApiConsumes('text/csv', 'application/json')
  @ApiBody({
    schema: {
      oneOf: [{ type: 'string' }, { type: 'array', items: { $ref: '#/components/schemas/RouteInputDto' } }],
    },
  })
  @ApiQuery({ name: 'mode', enum: ['merge', 'replace'], required: false })
  @ApiQuery({ name: 'tenant', required: false, description: 'Operators: the tenant to import into' })
  @ApiResponse({ status: 200, type: ImportResultDto })
  import(
    @CurrentPrincipal() p: Principal,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query('mode') mode: string | undefined,
    @Query('tenant') tenant: string | undefined,
  ): Promise<ImportResultDto> {
    const m = mode ?? 'merge';
    if (m !== 'merge' && m !== 'replace') {
      throw ProblemException.badRequest('invalid-mode', { de: 'Ungültiger Modus', en: 'Invalid mode' }, [
        { path: '/mode', code: 'isEnum', message: { de: 'merge oder replace.', en: 'merge or replace.' } },
      ]);
    }
    return this.routes.import(p, body, (contentType ?? '').toLowerCase(), m, tenant);
  }

  @Get('export')
  @ApiOperation({ summary: 'Export the routes as CSV or JSON (same shape as the import)' })
  @ApiQuery({ name: 'format', enum: ['csv', 'json'], required: false })
  @ApiQuery({ name: 'tenant', required: false })
  async export(
    @CurrentPrincipal() p: Principal,
    @Query('format') format: string | undefined,
    @Query('tenant') tenant: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | RouteDto[]> {
    const f = format === 'csv' ? 'csv' : 'json';
    const out = await this.routes.export(p, f, tenant);
    if (f === 'csv') {
      void reply.header('content-type', 'text/csv; charset=utf-8');
      void reply.header('content-disposition', 'attachment; filename="routes.csv"');
    }
    return out;
  }

  @Get('resolve')
  @ApiOperation({
    summary: 'Which destination a submission with this LeiKa key and ARS would go to (dry run)',
  })
  @ApiResponse({ status: 200, type: ResolutionDto })
  resolve(@CurrentPrincipal() p: Principal, @Query() q: ResolveQueryDto): Promise<ResolutionDto> {
    return this.routes.resolveForAdmin(p, q.leikaKey, q.ars, q.tenant);
  }
}
