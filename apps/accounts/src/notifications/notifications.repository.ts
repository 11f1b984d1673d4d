import { returnedRows } from '@amtsbote/platform';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export type NotificationKind = 'new-message' | 'email-confirmation';

export interface ClaimedNotification {
  id: string;
  kind: NotificationKind;
  accountKey: string;
  messageId: string | null;
  payload: { token?: string } | null;
  attempts: number;
}

/** Where a claimed notification goes, looked up when it is sent (not when it was queued). */
export interface Recipient {
  email: string | null;
  pendingEmail: string | null;
  pendingTokenHash: string | null;
  messageVisible: boolean;
}

@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Queues "new message" for the owner of `messageId` if the owner has an account with a confirmed address.
   * At most one per message (unique message_id).
   */
  async enqueueNewMessage(manager: EntityManager, ownerKey: string, messageId: string): Promise<void> {
    await manager.query(
      `INSERT INTO accounts.notifications (id, kind, account_key, message_id)
       SELECT $1, 'new-message', a.key, $2 FROM accounts.accounts a
       WHERE a.key = $3 AND a.email IS NOT NULL AND a.email_confirmed_at IS NOT NULL
       ON CONFLICT (message_id) DO NOTHING`,
      [randomUUID(), messageId, ownerKey],
    );
  }

  /** The raw token travels in the row until the mail is sent, then it is removed. */
  async enqueueConfirmation(manager: EntityManager, accountKey: string, token: string): Promise<void> {
    // A newer confirmation replaces any older one that was not sent yet.
    await manager.query(
      `UPDATE accounts.notifications SET state = 'dropped', payload = NULL
       WHERE account_key = $1 AND kind = 'email-confirmation' AND state = 'pending'`,
      [accountKey],
    );
    await manager.query(
      `INSERT INTO accounts.notifications (id, kind, account_key, payload) VALUES ($1, 'email-confirmation', $2, $3)`,
      [randomUUID(), accountKey, JSON.stringify({ token })],
    );
  }

  /** Claims due notifications for two minutes (other replicas skip them) and counts the attempt. */
  async claim(limit: number): Promise<ClaimedNotification[]> {
    const result: unknown = await this.dataSource.query(
      `UPDATE accounts.notifications n
         SET lease_until = now() + interval '2 minutes', attempts = n.attempts + 1
       WHERE n.id IN (
         SELECT id FROM accounts.notifications
         WHERE state = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
       RETURNING n.id, n.kind, n.account_key, n.message_id, n.payload, n.attempts`,
      [limit],
    );
    return returnedRows<{
      id: string;
      kind: NotificationKind;
      account_key: string;
      message_id: string | null;
      payload: { token?: string } | null;
      attempts: number;
    }>(result).map((r) => ({
      id: r.id,
      kind: r.kind,
      accountKey: r.account_key,
      messageId: r.message_id,
      payload: r.payload,
      attempts: r.attempts,
    }));
  }

  async recipient(n: ClaimedNotification): Promise<Recipient> {
    const rows = await this.dataSource.query<
      Array<{
        email: string | null;
        email_confirmed_at: Date | null;
        email_pending: string | null;
        email_token_hash: string | null;
      }>
    >(
      `SELECT email, email_confirmed_at, email_pending, email_token_hash FROM accounts.accounts WHERE key = $1`,
      [n.accountKey],
    );
    const a = rows[0];
    let messageVisible = false;
    if (n.messageId) {
      const m = await this.dataSource.query<unknown[]>(
        `SELECT 1 FROM accounts.messages WHERE id = $1 AND deleted_at IS NULL`,
        [n.messageId],
      );
      messageVisible = m.length > 0;
    }
    return {
      email: a?.email_confirmed_at ? a.email : null,
      pendingEmail: a?.email_pending ?? null,
      pendingTokenHash: a?.email_token_hash ?? null,
      messageVisible,
    };
  }

  async markSent(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE accounts.notifications SET state = 'sent', sent_at = now(), payload = NULL, lease_until = NULL,
         last_error = NULL WHERE id = $1`,
      [id],
    );
  }

  async markDropped(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE accounts.notifications SET state = 'dropped', payload = NULL, lease_until = NULL WHERE id = $1`,
      [id],
    );
  }

  /** Retries later with exponential backoff, or gives up after `maxAttempts`. */
  async markFailed(id: string, error: string, attempts: number, maxAttempts: number, baseMs: number) {
    const giveUp = attempts >= maxAttempts;
    const delaySeconds = Math.min((baseMs / 1000) * 2 ** (attempts - 1), 3600);
    await this.dataSource.query(
      `UPDATE accounts.notifications
         SET state = CASE WHEN $3 THEN 'failed' ELSE 'pending' END,
             payload = CASE WHEN $3 THEN NULL ELSE payload END,
             next_attempt_at = now() + make_interval(secs => $4),
             lease_until = NULL, last_error = $2
       WHERE id = $1`,
      [id, error.slice(0, 1000), giveUp, delaySeconds],
    );
  }

  /** Removes finished rows after `days`. */
  async purgeFinished(days: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM accounts.notifications
       WHERE state IN ('sent', 'failed', 'dropped') AND created_at < now() - make_interval(days => $1)`,
      [days],
    );
  }
}
