import { type Principal, ProblemException } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { actorOf, requestTenant } from '../../common/access';
import type { RoutingApiSettingsDto, RoutingApiSettingsInputDto } from './routing-api.dto';
import { RoutingApiClient } from './routing-api.client';
import { type RoutingApiSetting, RoutingApiSettingsRepository } from './routing-api-settings.repository';

const INVALID = {
  de: 'Die Einstellungen zur Routing API sind nicht gültig',
  en: 'The Routing API settings are not valid',
};

/** A tenant's choice of FIT-Connect's Routing API as the source of Zuständigkeit for some Leistungen. */
@Injectable()
export class RoutingApiSettingsService {
  constructor(
    private readonly repository: RoutingApiSettingsRepository,
    private readonly client: RoutingApiClient,
    private readonly audit: AuditService,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
  ) {}

  private toDto(tenant: string, s: RoutingApiSetting | undefined): RoutingApiSettingsDto {
    return {
      tenant,
      routingApiConfigured: this.client.configured,
      leikaKeys: s?.leikaKeys ?? [],
      sender: s?.sender ?? null,
      alertContact: s?.alertContact ?? null,
      updatedBy: s?.updatedBy ?? null,
      updatedAt: s?.updatedAt ?? null,
    };
  }

  async get(principal: Principal, requestedTenant?: string): Promise<RoutingApiSettingsDto> {
    const tenant = requestTenant(principal, requestedTenant);
    return this.toDto(tenant, await this.repository.find(tenant));
  }

  async put(principal: Principal, input: RoutingApiSettingsInputDto): Promise<RoutingApiSettingsDto> {
    const tenant = requestTenant(principal, input.tenant);
    const leikaKeys = [...new Set(input.leikaKeys)].sort();
    if (leikaKeys.length > 0 && !this.client.configured) {
      throw ProblemException.unprocessable('routing-api-not-configured', INVALID, [
        {
          path: '/leikaKeys',
          code: 'notConfigured',
          message: {
            de: 'Diese Installation nennt keine Routing API (ROUTING_FITCONNECT_ROUTING_API_URL).',
            en: 'This installation names no Routing API (ROUTING_FITCONNECT_ROUTING_API_URL).',
          },
        },
      ]);
    }
    if (leikaKeys.length > 0 && input.sender === undefined) {
      throw ProblemException.unprocessable('sender-required', INVALID, [
        {
          path: '/sender',
          code: 'isDefined',
          message: {
            de: 'Der FIT-Connect-Sender-Client fehlt (tokenUrl, clientId, clientSecretRef).',
            en: 'The FIT-Connect sender client is missing (tokenUrl, clientId, clientSecretRef).',
          },
        },
      ]);
    }
    const saved = await this.dataSource.transaction(async (manager) => {
      const s = await this.repository.save(manager, {
        tenant,
        leikaKeys,
        sender:
          input.sender === undefined
            ? null
            : {
                tokenUrl: input.sender.tokenUrl,
                clientId: input.sender.clientId,
                clientSecretRef: input.sender.clientSecretRef,
                ...(input.sender.metadataVersion === undefined
                  ? {}
                  : { metadataVersion: input.sender.metadataVersion }),
                ...(input.sender.scope === undefined ? {} : { scope: input.sender.scope }),
              },
        alertContact: input.alertContact ?? null,
        updatedBy: actorOf(principal).actor,
      });
      await this.audit.record(manager, {
        ...actorOf(principal),
        action: 'routing-api.settings',
        target: tenant,
        details: { leikaKeys, clientId: input.sender?.clientId ?? null },
      });
      return s;
    });
    return this.toDto(tenant, saved);
  }
}
