import { createHash } from 'node:crypto';
import { APP_CONFIG, Periodic } from '@amtsbote/platform';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccountsConfig } from '../config';
import { PublicUrl } from '../storage/public-url';
import { confirmationEmail, type EmailText, newMessageEmail } from './email-texts';
import { Mailer } from './mailer';
import { type ClaimedNotification, NotificationsRepository } from './notifications.repository';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * E-mail notifications through an outbox-like table: queued in the transaction that creates the message,
 * sent by a worker, retried with backoff. An SMTP outage delays the e-mail, never the Postkorb message.
 */
@Injectable()
export class NotificationsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private readonly worker: Periodic;

  constructor(
    private readonly repository: NotificationsRepository,
    private readonly mailer: Mailer,
    private readonly publicUrl: PublicUrl,
    @Inject(APP_CONFIG) private readonly config: AccountsConfig,
  ) {
    this.worker = new Periodic(
      'notification worker',
      config.ACCOUNTS_WORKER_INTERVAL_MS,
      () => this.sendDue(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    if (this.mailer.enabled) this.worker.start();
    else this.logger.log('SMTP_HOST is not set: no notification e-mails are sent');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /** In the transaction that stores the message. */
  async newMessage(manager: EntityManager, ownerKey: string, messageId: string): Promise<void> {
    if (this.mailer.enabled) await this.repository.enqueueNewMessage(manager, ownerKey, messageId);
  }

  /** Sent, failed and dropped notifications older than `days` go (their messages stay in the Postkorb). */
  purgeFinished(days: number): Promise<void> {
    return this.repository.purgeFinished(days);
  }

  /** In the transaction that stores the pending address. */
  async confirmation(manager: EntityManager, accountKey: string, token: string): Promise<void> {
    if (this.mailer.enabled) await this.repository.enqueueConfirmation(manager, accountKey, token);
  }

  get sending(): boolean {
    return this.mailer.enabled;
  }

  /** One round of the worker: sends what is due. */
  async sendDue(): Promise<void> {
    for (;;) {
      const batch = await this.repository.claim(20);
      for (const n of batch) await this.deliver(n);
      if (batch.length < 20) return;
    }
  }

  private async deliver(n: ClaimedNotification): Promise<void> {
    const prepared = await this.prepare(n);
    if (!prepared) {
      await this.repository.markDropped(n.id);
      return;
    }
    try {
      await this.mailer.send(prepared.to, prepared.mail);
      await this.repository.markSent(n.id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.warn(
        { notification: n.id, attempt: n.attempts, err: message },
        'notification e-mail failed',
      );
      await this.repository.markFailed(
        n.id,
        message,
        n.attempts,
        this.config.ACCOUNTS_NOTIFICATION_MAX_ATTEMPTS,
        this.config.ACCOUNTS_NOTIFICATION_RETRY_BASE_MS,
      );
    }
  }

  private async prepare(n: ClaimedNotification): Promise<{ to: string; mail: EmailText } | undefined> {
    const r = await this.repository.recipient(n);
    if (n.kind === 'new-message') {
      // Deleted account, removed address or a message already deleted: nothing to tell.
      if (!r.email || !r.messageVisible) return undefined;
      return { to: r.email, mail: newMessageEmail(this.config.ACCOUNTS_PORTAL_URL) };
    }
    const token = n.payload?.token;
    // Superseded by a newer address, or already confirmed.
    if (!token || !r.pendingEmail || r.pendingTokenHash !== hashToken(token)) return undefined;
    return {
      to: r.pendingEmail,
      mail: confirmationEmail(this.confirmLink(token), this.config.ACCOUNTS_EMAIL_TOKEN_TTL_HOURS),
    };
  }

  private confirmLink(token: string): string {
    const template =
      this.config.ACCOUNTS_EMAIL_CONFIRM_URL ?? `${this.publicUrl.base()}/email-confirmations?token={token}`;
    return template.replace('{token}', encodeURIComponent(token));
  }
}
