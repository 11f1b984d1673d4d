import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { routingMetrics } from '../../common/metrics';
import { RoutingSettings } from '../../common/settings';
import { newSecret } from '../../common/signature';
import { DestinationsRepository } from '../../destinations/destinations.repository';
import type { DestinationRecord } from '../../destinations/destinations.types';
import type { RouteRecord } from '../routes.repository';
import type { RoutingApiRoute } from './routing-api.answer';
import { type Lookup, RoutingApiClient } from './routing-api.client';
import { type RoutingApiSetting, RoutingApiSettingsRepository } from './routing-api-settings.repository';

/** Where a Zuständigkeit came from, as the explain output and the metrics name it. */
export type ResolutionSource = 'own' | 'own-override' | 'routing-api' | 'own-fallback';

export interface Resolution {
  destination: DestinationRecord;
  /** The own route that matched (not for `routing-api`). */
  route?: RouteRecord;
  source: ResolutionSource;
  /** The Routing API lookup, when one was made. */
  lookup?: Lookup;
}

/** The Routing API is away and the own table has no fallback: the submission waits (never lost, never guessed). */
export class RoutingApiUnavailableError extends Error {
  readonly transient = true;
  constructor(readonly problem: string) {
    super(`FIT-Connect Routing API unavailable (${problem}) and no own fallback route`);
  }
}

/** jsonb keeps its own key order: compare flat settings with sorted keys. */
const canonical = (o: Record<string, unknown>): string =>
  JSON.stringify(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );

/** The routing destination a Zustellpunkt of the Routing API is delivered to: `<tenant>-fc-<hash>`. */
export function provisionedDestinationId(tenant: string, fitConnectDestinationId: string): string {
  // 16 hex digits, fewer for a long tenant name so that the id stays within the 63 characters of an id.
  const digits = Math.max(8, Math.min(16, 63 - tenant.length - 4));
  const hash = createHash('sha256').update(fitConnectDestinationId).digest('hex').slice(0, digits);
  return `${tenant}-fc-${hash}`;
}

/**
 * Zuständigkeit for tenants that chose FIT-Connect's Routing API for a Leistung: an own route for a region
 * (ARS prefix) overrides; otherwise the Routing API answers; the own nationwide default (and any own route)
 * is the fallback when the Routing API has no answer or is away. A Zustellpunkt found is delivered through a
 * routing destination of channel `fit-connect` provisioned for it, so retries, idempotency and the channel
 * stay exactly as for destinations created by hand.
 */
@Injectable()
export class RoutingApiResolver {
  private readonly logger = new Logger(RoutingApiResolver.name);
  private readonly counter = routingMetrics().routingApi;

  constructor(
    private readonly settingsRepository: RoutingApiSettingsRepository,
    private readonly client: RoutingApiClient,
    private readonly destinations: DestinationsRepository,
    private readonly audit: AuditService,
    private readonly settings: RoutingSettings,
  ) {}

  /**
   * `own` is the own table's answer. Throws `RoutingApiUnavailableError` only when the Routing API failed and
   * there is no own route to fall back to (`dryRun` returns the failure instead).
   */
  async resolve(
    manager: EntityManager,
    tenant: string,
    leikaKey: string,
    ars: string,
    own: { route: RouteRecord; destination: DestinationRecord } | undefined,
    dryRun = false,
  ): Promise<Resolution | { source: 'none'; lookup?: Lookup } | undefined> {
    const setting = this.client.configured
      ? await this.settingsRepository.findFor(manager, tenant, leikaKey)
      : undefined;
    if (setting === undefined || setting.sender === null) {
      return own === undefined ? undefined : { ...own, source: 'own' };
    }
    if (own !== undefined && own.route.arsPrefix !== '') {
      this.count(tenant, 'override');
      return { ...own, source: 'own-override' };
    }
    const lookup = await this.client.lookup(leikaKey, ars);
    this.count(tenant, lookup.outcome);
    if (lookup.route !== undefined) {
      const destination = dryRun
        ? await this.destinations.find(provisionedDestinationId(tenant, lookup.route.destinationId), manager)
        : await this.provision(manager, setting, lookup.route);
      if (destination !== undefined) return { destination, source: 'routing-api', lookup };
      // Dry run for a Zustellpunkt not yet provisioned: say what would be created.
      return { destination: this.recordFor(setting, lookup.route), source: 'routing-api', lookup };
    }
    if (own !== undefined) {
      this.count(tenant, 'fallback');
      return { ...own, source: 'own-fallback', lookup };
    }
    if (lookup.outcome === 'error') {
      if (dryRun) return { source: 'none', lookup };
      throw new RoutingApiUnavailableError(lookup.problem ?? 'error');
    }
    return { source: 'none', lookup };
  }

  private recordFor(setting: RoutingApiSetting, route: RoutingApiRoute): DestinationRecord {
    const c = this.settings.config;
    const sender = setting.sender!;
    return {
      id: provisionedDestinationId(setting.tenant, route.destinationId),
      tenant: setting.tenant,
      name: route.destinationName ?? `FIT-Connect ${route.destinationId}`,
      identity: `fitconnect:${route.destinationId}`,
      channel: 'fit-connect',
      format: 'fit-connect-json',
      endpointUrl: null,
      callbackUrl: null,
      mtls: false,
      channelSettings: {
        destinationId: route.destinationId,
        submissionApiUrl: route.submissionUrl,
        tokenUrl: sender.tokenUrl,
        clientId: sender.clientId,
        clientSecretRef: sender.clientSecretRef,
        ...(sender.metadataVersion === undefined ? {} : { metadataVersion: sender.metadataVersion }),
        ...(sender.scope === undefined ? {} : { scope: sender.scope }),
      },
      secretSealed: this.settings.secrets.seal(newSecret()),
      publicKey: null,
      maxMessageBytes: c.ROUTING_DEFAULT_MAX_MESSAGE_BYTES,
      maxAttachmentBytes: c.ROUTING_DEFAULT_MAX_ATTACHMENT_BYTES,
      alertContact: setting.alertContact ?? 'operator',
      active: true,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
  }

  /**
   * The routing destination of the Zustellpunkt, created on first use and kept in line with the Routing API
   * (name, Submission API URL, the tenant's sender client). `active` stays the operator's: a deactivated one
   * fails new submissions with NO_AUTHORITY like any destination.
   */
  private async provision(
    manager: EntityManager,
    setting: RoutingApiSetting,
    route: RoutingApiRoute,
  ): Promise<DestinationRecord> {
    const wanted = this.recordFor(setting, route);
    const existing = await this.destinations.find(wanted.id, manager);
    if (existing === undefined) {
      await this.destinations.insert(manager, wanted);
      await this.audit.record(manager, {
        actor: 'routing-api',
        actorTenant: setting.tenant,
        action: 'destination.provision',
        target: wanted.id,
        details: {
          tenant: setting.tenant,
          fitConnectDestinationId: route.destinationId,
          submissionUrl: route.submissionUrl,
        },
      });
      this.logger.log(
        { destinationId: wanted.id },
        'destination provisioned from the FIT-Connect Routing API',
      );
      return (await this.destinations.find(wanted.id, manager)) ?? wanted;
    }
    const same =
      existing.name === wanted.name &&
      canonical(existing.channelSettings) === canonical(wanted.channelSettings);
    if (same) return existing;
    const updated = { ...existing, name: wanted.name, channelSettings: wanted.channelSettings };
    await this.destinations.update(manager, updated);
    return updated;
  }

  private count(tenant: string, outcome: string): void {
    this.counter.inc({ tenant, outcome });
  }
}
