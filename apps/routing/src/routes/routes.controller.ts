import { BodyLimit, CurrentPrincipal, type Principal, Roles, UuidPipe } from '@amtsbote/platform';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ADMIN_ROLES } from '../common/access';
import { IMPORT_BODY_LIMIT } from '../common/body-limits';
import {
  ExportQueryDto,
  ImportQueryDto,
  ImportResultDto,
  ListRoutesQueryDto,
  ResolutionDto,
  ResolveQueryDto,
  RouteDto,
  RouteInputDto,
} from './routes.dto';
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
  list(@CurrentPrincipal() p: Principal, @Query() q: ListRoutesQueryDto): Promise<RouteDto[]> {
    return this.routes.list(p, q.leikaKey);
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
  async delete(@CurrentPrincipal() p: Principal, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.routes.delete(p, id);
  }

  @Post('import')
  @BodyLimit(IMPORT_BODY_LIMIT)
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
  @ApiResponse({ status: 200, type: ImportResultDto })
  import(
    @CurrentPrincipal() p: Principal,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query() q: ImportQueryDto,
  ): Promise<ImportResultDto> {
    return this.routes.import(p, body, (contentType ?? '').toLowerCase(), q.mode ?? 'merge', q.tenant);
  }

  @Get('export')
  @ApiOperation({ summary: 'Export the routes as CSV or JSON (same shape as the import)' })
  async export(
    @CurrentPrincipal() p: Principal,
    @Query() q: ExportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | RouteDto[]> {
    const f = q.format ?? 'json';
    const out = await this.routes.export(p, f, q.tenant);
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
