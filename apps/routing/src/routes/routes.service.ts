import { randomUUID } from 'node:crypto';
import { type FieldProblem, type Principal, ProblemException } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { actorOf, adminScope, inScope, requestTenant, scopeTenant } from '../common/access';
import { parseCsv, toCsv } from '../common/csv';
import { DestinationsService } from '../destinations/destinations.service';
import type { DestinationRecord } from '../destinations/destinations.types';
import {
  ARS_PREFIX_PATTERN,
  type ImportResultDto,
  LEIKA_PATTERN,
  type ResolutionDto,
  type RouteDto,
  type RouteInputDto,
} from './routes.dto';
import { type RouteRecord, RoutesRepository } from './routes.repository';
import { type Resolution, RoutingApiResolver } from './routing-api/routing-api.resolver';

export const CSV_HEADER = ['leikaKey', 'ars', 'destinationId'];

const toDto = (r: RouteRecord): RouteDto => ({
  id: r.id,
  tenant: r.tenant,
  leikaKey: r.leikaKey,
  ars: r.arsPrefix === '' ? null : r.arsPrefix,
  destinationId: r.destinationId,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const INVALID = { de: 'Die Zuständigkeiten sind nicht gültig', en: 'The routes are not valid' };

interface ParsedRow {
  leikaKey: string;
  arsPrefix: string;
  destinationId: string;
}

/** Zuständigkeit: which destination serves a Leistung (LeiKa) in a region (ARS prefix). */
@Injectable()
export class RoutesService {
  constructor(
    private readonly repository: RoutesRepository,
    private readonly destinations: DestinationsService,
    private readonly audit: AuditService,
    private readonly routingApi: RoutingApiResolver,
  ) {}

  async list(principal: Principal, leikaKey?: string): Promise<RouteDto[]> {
    return (await this.repository.list(scopeTenant(adminScope(principal)), leikaKey)).map(toDto);
  }

  private async destinationIn(
    manager: EntityManager,
    tenant: string,
    id: string,
  ): Promise<DestinationRecord | undefined> {
    const d = await this.destinations.find(id, manager);
    return d !== undefined && d.tenant === tenant ? d : undefined;
  }

  async create(principal: Principal, input: RouteInputDto): Promise<RouteDto> {
    const scope = adminScope(principal);
    return this.repository.transaction(async (manager) => {
      const destination = await this.destinations.find(input.destinationId, manager);
      if (destination === undefined || !inScope(scope, destination.tenant)) {
        throw ProblemException.unprocessable('unknown-destination', INVALID, [
          {
            path: '/destinationId',
            code: 'unknown',
            message: { de: 'Unbekanntes Ziel.', en: 'Unknown destination.' },
          },
        ]);
      }
      const { route, created } = await this.repository.upsert(manager, {
        id: randomUUID(),
        tenant: destination.tenant,
        leikaKey: input.leikaKey,
        arsPrefix: input.ars ?? '',
        destinationId: destination.id,
      });
      await this.audit.record(manager, {
        ...actorOf(principal),
        action: created ? 'route.create' : 'route.update',
        target: route.id,
        details: {
          tenant: route.tenant,
          leikaKey: route.leikaKey,
          ars: input.ars,
          destinationId: route.destinationId,
        },
      });
      return toDto(route);
    });
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const route = await this.repository.find(id);
    if (route === undefined || !inScope(adminScope(principal), route.tenant)) {
      throw ProblemException.notFound({ de: 'Die Zuständigkeit', en: 'The route' });
    }
    await this.repository.transaction(async (manager) => {
      await this.repository.delete(manager, id);
      await this.audit.record(manager, {
        ...actorOf(principal),
        action: 'route.delete',
        target: id,
        details: {
          tenant: route.tenant,
          leikaKey: route.leikaKey,
          ars: route.arsPrefix || null,
          destinationId: route.destinationId,
        },
      });
    });
  }

  /** Rows of a CSV (header leikaKey,ars,destinationId) or JSON import, all checked before anything is written. */
  private parse(
    body: unknown,
    contentType: string,
  ): { rows: ParsedRow[]; errors: FieldProblem[]; pathOf: (i: number, f: string) => string } {
    const errors: FieldProblem[] = [];
    const rows: ParsedRow[] = [];
    let raw: Array<Record<string, unknown>>;
    let pathOf: (i: number, field: string) => string;
    if (contentType.startsWith('text/csv')) {
      if (typeof body !== 'string') throw ProblemException.badRequest('invalid-csv', INVALID);
      let table: string[][];
      try {
        table = parseCsv(body);
      } catch (err) {
        throw ProblemException.badRequest('invalid-csv', INVALID, [
          {
            path: '/',
            code: 'csv',
            message: {
              de: `CSV fehlerhaft: ${(err as Error).message}`,
              en: `Broken CSV: ${(err as Error).message}`,
            },
          },
        ]);
      }
      const header = (table.shift() ?? []).map((h) => h.trim());
      const index = CSV_HEADER.map((h) => header.indexOf(h));
      if (index.some((i) => i < 0)) {
        throw ProblemException.badRequest('invalid-csv', INVALID, [
          {
            path: '/0',
            code: 'header',
            message: {
              de: `Kopfzeile muss ${CSV_HEADER.join(',')} enthalten.`,
              en: `The header must contain ${CSV_HEADER.join(',')}.`,
            },
          },
        ]);
      }
      raw = table.map((cells) =>
        Object.fromEntries(CSV_HEADER.map((h, k) => [h, (cells[index[k]] ?? '').trim()])),
      );
      // CSV: line numbers (the header is line 1).
      pathOf = (i, field) => `/${i + 2}/${field}`;
    } else {
      const list = Array.isArray(body) ? body : (body as { routes?: unknown } | null)?.routes;
      if (!Array.isArray(list)) {
        throw ProblemException.badRequest('invalid-import', INVALID, [
          {
            path: '/',
            code: 'isArray',
            message: {
              de: 'Erwartet: Liste oder {routes: [...]}.',
              en: 'Expected a list or {routes: [...]}.',
            },
          },
        ]);
      }
      raw = list as Array<Record<string, unknown>>;
      pathOf = (i, field) => `/routes/${i}/${field}`;
    }
    raw.forEach((r, i) => {
      const leikaKey = typeof r.leikaKey === 'string' ? r.leikaKey : '';
      // A number would have lost leading zeros (Land 01-09): only strings or null/absent (nationwide) count.
      const arsValue = typeof r.ars === 'string' ? r.ars : r.ars === null || r.ars === undefined ? '' : '?';
      const destinationId = typeof r.destinationId === 'string' ? r.destinationId : '';
      if (!LEIKA_PATTERN.test(leikaKey)) {
        errors.push({
          path: pathOf(i, 'leikaKey'),
          code: 'leika',
          message: { de: 'Kein LeiKa-Schlüssel.', en: 'Not a LeiKa key.' },
        });
      }
      if (arsValue !== '' && !ARS_PREFIX_PATTERN.test(arsValue)) {
        errors.push({
          path: pathOf(i, 'ars'),
          code: 'ars',
          message: {
            de: 'ARS-Präfix mit 2, 3, 5, 9 oder 12 Ziffern erwartet.',
            en: 'Expected an ARS prefix of 2, 3, 5, 9 or 12 digits.',
          },
        });
      }
      if (destinationId === '') {
        errors.push({
          path: pathOf(i, 'destinationId'),
          code: 'isDefined',
          message: { de: 'Ziel fehlt.', en: 'Destination missing.' },
        });
      }
      rows.push({ leikaKey, arsPrefix: arsValue, destinationId });
    });
    const seen = new Map<string, number>();
    rows.forEach((r, i) => {
      const key = `${r.leikaKey}|${r.arsPrefix}`;
      if (seen.has(key)) {
        errors.push({
          path: pathOf(i, 'ars'),
          code: 'duplicate',
          message: {
            de: `Doppelt (wie Eintrag ${seen.get(key)}).`,
            en: `Duplicate (same as entry ${seen.get(key)}).`,
          },
        });
      } else {
        seen.set(key, i);
      }
    });
    return { rows, errors, pathOf };
  }

  async import(
    principal: Principal,
    body: unknown,
    contentType: string,
    mode: 'merge' | 'replace',
    requestedTenant: string | undefined,
  ): Promise<ImportResultDto> {
    const tenant = requestTenant(principal, requestedTenant);
    const { rows, errors, pathOf } = this.parse(body, contentType);
    return this.repository.transaction(async (manager) => {
      const destinations = new Map<string, boolean>();
      for (const [i, r] of rows.entries()) {
        if (r.destinationId === '') continue;
        if (!destinations.has(r.destinationId)) {
          destinations.set(
            r.destinationId,
            (await this.destinationIn(manager, tenant, r.destinationId)) !== undefined,
          );
        }
        if (!destinations.get(r.destinationId)) {
          errors.push({
            path: pathOf(i, 'destinationId'),
            code: 'unknown',
            message: {
              de: `Unbekanntes Ziel ${r.destinationId}.`,
              en: `Unknown destination ${r.destinationId}.`,
            },
          });
        }
      }
      if (errors.length > 0) throw ProblemException.unprocessable('invalid-routes', INVALID, errors);
      const before = new Map(
        (await this.repository.list(tenant)).map((r) => [`${r.leikaKey}|${r.arsPrefix}`, r]),
      );
      let created = 0;
      let updated = 0;
      let unchanged = 0;
      const keep: string[] = [];
      for (const r of rows) {
        const { route, created: isNew } = await this.repository.upsert(manager, {
          id: randomUUID(),
          tenant,
          ...r,
        });
        keep.push(route.id);
        if (isNew) created++;
        else if (before.get(`${r.leikaKey}|${r.arsPrefix}`)?.destinationId !== r.destinationId) updated++;
        else unchanged++;
      }
      const deleted = mode === 'replace' ? await this.repository.deleteOthers(manager, tenant, keep) : 0;
      const result: ImportResultDto = {
        tenant,
        mode,
        total: rows.length,
        created,
        updated,
        unchanged,
        deleted,
      };
      await this.audit.record(manager, {
        ...actorOf(principal),
        action: 'route.import',
        target: tenant,
        details: { ...result, format: contentType.startsWith('text/csv') ? 'csv' : 'json' },
      });
      return result;
    });
  }

  async export(
    principal: Principal,
    format: 'csv' | 'json',
    requestedTenant?: string,
  ): Promise<string | RouteDto[]> {
    const scope = adminScope(principal);
    const tenant = scope.kind === 'tenant' ? scope.tenant : (requestedTenant ?? null);
    if (scope.kind === 'tenant' && requestedTenant !== undefined && requestedTenant !== scope.tenant) {
      throw ProblemException.forbidden();
    }
    const routes = await this.repository.list(tenant);
    if (format === 'json') return routes.map(toDto);
    return toCsv(
      CSV_HEADER,
      routes.map((r) => [r.leikaKey, r.arsPrefix, r.destinationId]),
    );
  }

  /**
   * The Zuständigkeit of a Leistung for an ARS in the caller's transaction: the most specific own route, or
   * for Leistungen the tenant takes from FIT-Connect's Routing API, its answer (see RoutingApiResolver).
   * Throws a transient error when the Routing API is away and nothing can stand in: the submission waits.
   */
  async resolve(
    manager: EntityManager,
    tenant: string,
    leikaKey: string,
    ars: string,
  ): Promise<Resolution | undefined> {
    const own = await this.repository.resolve(manager, tenant, leikaKey, ars);
    const r = await this.routingApi.resolve(manager, tenant, leikaKey, ars, own);
    return r === undefined || r.source === 'none' ? undefined : r;
  }

  async resolveForAdmin(
    principal: Principal,
    leikaKey: string,
    ars: string,
    requestedTenant?: string,
  ): Promise<ResolutionDto> {
    const tenant = requestTenant(principal, requestedTenant);
    const r = await this.repository.transaction(async (manager) => {
      const own = await this.repository.resolve(manager, tenant, leikaKey, ars);
      return this.routingApi.resolve(manager, tenant, leikaKey, ars, own, true);
    });
    const routingApi =
      r?.lookup === undefined
        ? undefined
        : {
            outcome: r.lookup.outcome,
            ...(r.lookup.route === undefined
              ? {}
              : {
                  fitConnectDestinationId: r.lookup.route.destinationId,
                  submissionUrl: r.lookup.route.submissionUrl,
                }),
            ...(r.lookup.problem === undefined ? {} : { problem: r.lookup.problem }),
          };
    if (r === undefined || r.source === 'none') {
      return { leikaKey, ars, found: false, matchedPrefix: null, source: 'none', routingApi };
    }
    return {
      leikaKey,
      ars,
      found: true,
      matchedPrefix: r.route?.arsPrefix ?? null,
      routeId: r.route?.id,
      destinationId: r.destination.id,
      destinationActive: r.destination.active,
      source: r.source,
      routingApi,
    };
  }
}
