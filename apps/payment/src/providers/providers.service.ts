import { APP_CONFIG, type FieldProblem, ProblemException } from '@amtsbote/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { z } from 'zod';
import { AuditRepository } from '../audit/audit.repository';
import { type PaymentConfig, providerEnvironment } from '../config';
import type { ProviderConfigDto, ProviderConfigInputDto } from './providers.dto';
import { ProviderConfigEntity } from './providers.entity';
import { ProvidersRepository } from './providers.repository';
import { describe, SecretResolver } from './secrets';
import { type ProviderSettings, secretRefsOf, settingsSchemaFor } from './settings';

const CONFIG = { de: 'Die Anbieterkonfiguration', en: 'The provider configuration' };

function pointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Checks a provider or token URL; production needs https, and no URL carries credentials or a query. */
export function urlProblem(value: string, environment: 'test' | 'production'): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && !(environment === 'test' && url.protocol === 'http:')) {
    return environment === 'production' ? 'must use https' : 'must use http or https';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.search || url.hash) return 'must not contain a query or fragment';
  return undefined;
}

/** Tenants' payment provider configurations (admin side). */
@Injectable()
export class ProvidersService {
  private readonly logger = new Logger('Providers');

  constructor(
    private readonly configs: ProvidersRepository,
    private readonly audit: AuditRepository,
    private readonly secrets: SecretResolver,
    @Inject(APP_CONFIG) private readonly config: PaymentConfig,
  ) {}

  private toDto(c: ProviderConfigEntity): ProviderConfigDto {
    return {
      tenant: c.tenant,
      environment: c.environment,
      kind: c.kind,
      baseUrl: c.baseUrl,
      settings: c.settings,
      active: c.environment === providerEnvironment(this.config),
      updatedAt: c.updatedAt,
      updatedBy: c.updatedBy,
    };
  }

  async list(tenant: string): Promise<ProviderConfigDto[]> {
    return (await this.configs.list(tenant)).map((c) => this.toDto(c));
  }

  async get(tenant: string, environment: 'test' | 'production'): Promise<ProviderConfigDto> {
    const c = await this.configs.find(tenant, environment);
    if (!c) throw ProblemException.notFound(CONFIG);
    return this.toDto(c);
  }

  async put(
    tenant: string,
    environment: 'test' | 'production',
    actorKey: string,
    input: ProviderConfigInputDto,
  ): Promise<ProviderConfigDto> {
    const settings = await this.validate(tenant, environment, input);
    const entity = Object.assign(new ProviderConfigEntity(), {
      tenant,
      environment,
      kind: input.kind,
      baseUrl: input.baseUrl.replace(/\/+$/, ''),
      settings,
      updatedAt: new Date(),
      updatedBy: actorKey,
    });
    await this.configs.transaction(async (manager) => {
      const before = await this.configs.find(tenant, environment, manager);
      await this.configs.upsert(manager, entity);
      await this.audit.record(manager, {
        tenant,
        actorKey,
        action: 'provider.configured',
        target: `${tenant}/${environment}`,
        details: {
          before: before ? { kind: before.kind, baseUrl: before.baseUrl, settings: before.settings } : null,
          after: { kind: entity.kind, baseUrl: entity.baseUrl, settings: entity.settings },
        },
      });
    });
    this.logger.log(
      { tenant, environment, kind: entity.kind, baseUrl: entity.baseUrl },
      'provider configured',
    );
    return this.toDto(entity);
  }

  async remove(tenant: string, environment: 'test' | 'production', actorKey: string): Promise<void> {
    await this.configs.transaction(async (manager) => {
      const before = await this.configs.find(tenant, environment, manager);
      if (!before || !(await this.configs.delete(manager, tenant, environment))) {
        throw ProblemException.notFound(CONFIG);
      }
      await this.audit.record(manager, {
        tenant,
        actorKey,
        action: 'provider.removed',
        target: `${tenant}/${environment}`,
        details: { before: { kind: before.kind, baseUrl: before.baseUrl, settings: before.settings } },
      });
    });
  }

  /** Every problem at once, with JSON Pointers into the request body. */
  private async validate(
    tenant: string,
    environment: 'test' | 'production',
    input: ProviderConfigInputDto,
  ): Promise<Record<string, unknown>> {
    const problems: FieldProblem[] = [];
    const fail = (path: string, code: string, de: string, en: string) =>
      problems.push({ path, code, message: { de, en } });

    const base = urlProblem(input.baseUrl, environment);
    if (base) fail('/baseUrl', 'invalid-url', `Die URL ist ungültig: ${base}.`, `The URL ${base}.`);
    if (input.kind === 'simulator' && (environment !== 'test' || this.config.NODE_ENV === 'production')) {
      fail(
        '/kind',
        'simulator-not-allowed',
        'Der Simulator ist nur für die Testumgebung außerhalb der Produktion erlaubt.',
        'The simulator is allowed only for the test environment outside production.',
      );
    }

    const parsed = (settingsSchemaFor(input.kind) as z.ZodType<Record<string, unknown>>).safeParse(
      input.settings,
    );
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        fail(`/settings${pointer(issue.path)}`, issue.code, issue.message, issue.message);
      }
    } else {
      const p = { kind: input.kind, settings: parsed.data } as ProviderSettings;
      if (p.kind === 'xbezahldienste') {
        const auth = p.settings.auth;
        if (auth.mode === 'none' && environment !== 'test') {
          fail(
            '/settings/auth/mode',
            'auth-required',
            'In der Produktion ist eine Authentifizierung (oauth2 oder mtls) nötig.',
            'Production needs authentication (oauth2 or mtls).',
          );
        }
        if (auth.mode === 'oauth2') {
          const token = urlProblem(auth.tokenUrl, environment);
          if (token) {
            fail(
              '/settings/auth/tokenUrl',
              'invalid-url',
              `Die URL ist ungültig: ${token}.`,
              `The URL ${token}.`,
            );
          }
        }
      }
      for (const { path, ref } of secretRefsOf(p)) {
        const problem = this.secrets.problem(tenant, ref);
        if (problem) {
          fail(path, 'invalid-secret-reference', `Die Referenz ${problem}.`, `The reference ${problem}.`);
          continue;
        }
        // Resolvable now, so a typo shows here and not at the first citizen's payment. The value stays inside.
        const ok = await this.secrets.resolve(tenant, ref).then(
          () => true,
          () => false,
        );
        if (!ok) {
          fail(
            path,
            'secret-not-found',
            `Das Geheimnis ${describe(ref)} ist in dieser Installation nicht vorhanden.`,
            `The secret ${describe(ref)} is not present in this installation.`,
          );
        }
      }
    }
    if (problems.length > 0) {
      throw ProblemException.unprocessable(
        'invalid-provider-config',
        { de: 'Ungültige Anbieterkonfiguration', en: 'Invalid provider configuration' },
        problems,
      );
    }
    return parsed.data ?? {};
  }
}
