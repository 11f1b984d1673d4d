import { APP_CONFIG } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { type PaymentConfig, providerEnvironment } from '../config';
import { PmPaymentClassicClient } from './pmpayment-classic.client';
import { type PaymentProvider, ProviderError, type ProviderKind } from './provider';
import type { ProviderConfigEntity } from './providers.entity';
import { ProvidersRepository } from './providers.repository';
import { SecretResolver } from './secrets';
import { pmpaymentClassicSettings, simulatorSettings, xbezahldiensteSettings } from './settings';
import { TokenCache } from './token-cache';
import { XBezahldiensteClient } from './xbezahldienste.client';

export interface ResolvedProvider {
  provider: PaymentProvider;
  kind: ProviderKind;
  environment: 'test' | 'production';
}

/** Builds the client of the provider a tenant uses, from its stored configuration. */
@Injectable()
export class ProviderRegistry {
  constructor(
    private readonly configs: ProvidersRepository,
    private readonly secrets: SecretResolver,
    private readonly tokens: TokenCache,
    @Inject(APP_CONFIG) private readonly config: PaymentConfig,
  ) {}

  /** The provider for new transactions of a tenant (the environment this installation runs in). */
  forTenant(tenant: string): Promise<ResolvedProvider> {
    return this.resolve(tenant, providerEnvironment(this.config));
  }

  /** The provider a transaction was created with; a changed kind since then is a misconfiguration. */
  async forTransaction(
    tenant: string,
    environment: 'test' | 'production',
    kind: ProviderKind,
  ): Promise<ResolvedProvider> {
    const resolved = await this.resolve(tenant, environment);
    if (resolved.kind !== kind) {
      throw new ProviderError(
        'misconfigured',
        `tenant ${tenant} switched its ${environment} provider from ${kind} to ${resolved.kind} while transactions were open`,
      );
    }
    return resolved;
  }

  private async resolve(tenant: string, environment: 'test' | 'production'): Promise<ResolvedProvider> {
    const c = await this.configs.find(tenant, environment);
    if (!c)
      throw new ProviderError('misconfigured', `tenant ${tenant} has no ${environment} payment provider`);
    return { provider: this.build(c), kind: c.kind, environment };
  }

  private build(c: ProviderConfigEntity): PaymentProvider {
    const common = {
      tenant: c.tenant,
      baseUrl: c.baseUrl,
      timeoutMs: this.config.PAYMENT_PROVIDER_TIMEOUT_MS,
      secrets: this.secrets,
    };
    switch (c.kind) {
      case 'xbezahldienste':
        return new XBezahldiensteClient({
          ...common,
          kind: 'xbezahldienste',
          settings: xbezahldiensteSettings.parse(c.settings),
          tokens: this.tokens,
        });
      case 'simulator': {
        if (this.config.NODE_ENV === 'production') {
          throw new ProviderError('misconfigured', 'the payment simulator is not used in production');
        }
        const s = simulatorSettings.parse(c.settings);
        return new XBezahldiensteClient({
          ...common,
          kind: 'simulator',
          settings: { ...s, auth: { mode: 'none' }, notifications: true },
          tokens: this.tokens,
        });
      }
      case 'pmpayment-classic':
        return new PmPaymentClassicClient({
          ...common,
          settings: pmpaymentClassicSettings.parse(c.settings),
        });
    }
  }
}
