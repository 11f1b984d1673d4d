import { APP_CONFIG } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { RoutingConfig } from '../config';
import { effectiveSettings } from '../config';
import { ReplyKeyRing } from './reply-keys';
import { SecretBox } from './secret-box';

const DAY_MS = 24 * 3600 * 1000;

/** The routing settings with development fallbacks applied, and derived values in the units code wants. */
@Injectable()
export class RoutingSettings {
  readonly schemaDir: string;
  readonly fileUrlSecret: string;
  readonly secrets: SecretBox;
  readonly maxDeliveryAgeMs: number;
  readonly pullAlertMs: number;
  readonly pullExpireMs: number;
  readonly retentionMs: number;
  /** How long a claimed message is the claiming worker's: its longest step and a margin. */
  readonly leaseMs: number;
  /** The FIT-Connect reply destination's keys (ROUTING_FITCONNECT_REPLY_KEYS_FILE), checked at boot. */
  readonly fitConnectReplyKeys: ReplyKeyRing | undefined;

  constructor(
    @Inject(APP_CONFIG) readonly config: RoutingConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    const e = effectiveSettings(config);
    this.schemaDir = e.schemaDir;
    this.fileUrlSecret = e.fileUrlSecret;
    this.secrets = new SecretBox(e.secretsKey);
    this.maxDeliveryAgeMs = config.ROUTING_MAX_DELIVERY_AGE_HOURS * 3600 * 1000;
    this.pullAlertMs = config.ROUTING_PULL_ALERT_DAYS * DAY_MS;
    this.pullExpireMs = config.ROUTING_PULL_EXPIRE_DAYS * DAY_MS;
    this.retentionMs = config.ROUTING_RETENTION_DAYS * DAY_MS;
    this.leaseMs =
      Math.max(config.ROUTING_PUSH_TIMEOUT_MS, config.ROUTING_ATTACHMENT_FETCH_TIMEOUT_MS) + 30_000;
    const replyKeys = config.ROUTING_FITCONNECT_REPLY_KEYS_FILE;
    this.fitConnectReplyKeys = replyKeys ? ReplyKeyRing.fromFile(replyKeys) : undefined;
  }

  /** `ROUTING_PUBLIC_URL`, or where this process listens (development and tests). */
  publicUrl(): string {
    if (this.config.ROUTING_PUBLIC_URL) return this.config.ROUTING_PUBLIC_URL.replace(/\/$/, '');
    const server = this.adapterHost.httpAdapter?.getHttpServer() as
      { address(): { port: number; address: string } | string | null } | undefined;
    const address = server?.address();
    const port = typeof address === 'object' && address !== null ? address.port : this.config.PORT;
    const host = this.config.HOST === '0.0.0.0' ? '127.0.0.1' : this.config.HOST;
    return `http://${host}:${port}`;
  }
}
