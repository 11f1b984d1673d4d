import { returnedRows } from '@amtsbote/platform';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export type AccountKind = 'person' | 'organisation';

export interface Account {
  id: string;
  key: string;
  issuer: string;
  subject: string;
  kind: AccountKind;
  tokenName: string | null;
  displayNameOverride: string | null;
  trustLevel: number;
  email: string | null;
  emailConfirmedAt: Date | null;
  emailPending: string | null;
  emailTokenExpiresAt: Date | null;
  createdAt: Date;
  lastSeenAt: Date;
}

interface Row {
  id: string;
  key: string;
  issuer: string;
  subject: string;
  kind: AccountKind;
  token_name: string | null;
  display_name: string | null;
  trust_level: number;
  email: string | null;
  email_confirmed_at: Date | null;
  email_pending: string | null;
  email_token_expires_at: Date | null;
  created_at: Date;
  last_seen_at: Date;
}

function toAccount(r: Row): Account {
  return {
    id: r.id,
    key: r.key,
    issuer: r.issuer,
    subject: r.subject,
    kind: r.kind,
    tokenName: r.token_name,
    displayNameOverride: r.display_name,
    trustLevel: Number(r.trust_level),
    email: r.email,
    emailConfirmedAt: r.email_confirmed_at,
    emailPending: r.email_pending,
    emailTokenExpiresAt: r.email_token_expires_at,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
  };
}

const COLUMNS = `id, key, issuer, subject, kind, token_name, display_name, trust_level, email, email_confirmed_at,
  email_pending, email_token_expires_at, created_at, last_seen_at`;

export interface LoginFacts {
  key: string;
  issuer: string;
  subject: string;
  kind: AccountKind;
  tokenName: string | null;
  trustLevel: number;
}

/** Last-seen is written at most this often per account, not on every request. */
const TOUCH_INTERVAL = `interval '60 seconds'`;

@Injectable()
export class AccountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Creates the account on its first call, or refreshes what the login tells (trust level, name, last seen).
   * One statement with ON CONFLICT: concurrent first calls end with exactly one row.
   */
  async upsertFromLogin(f: LoginFacts): Promise<Account> {
    const rows = await this.dataSource.query<Row[]>(
      `INSERT INTO accounts.accounts AS a (id, key, issuer, subject, kind, token_name, trust_level)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (key) DO UPDATE
         SET trust_level = EXCLUDED.trust_level,
             token_name = COALESCE(EXCLUDED.token_name, a.token_name),
             last_seen_at = now()
         WHERE a.last_seen_at < now() - ${TOUCH_INTERVAL}
            OR a.trust_level <> EXCLUDED.trust_level
            OR (EXCLUDED.token_name IS NOT NULL AND a.token_name IS DISTINCT FROM EXCLUDED.token_name)
       RETURNING ${COLUMNS}`,
      [randomUUID(), f.key, f.issuer, f.subject, f.kind, f.tokenName, f.trustLevel],
    );
    if (rows[0]) return toAccount(rows[0]);
    const existing = await this.find(f.key);
    if (!existing) throw new Error(`account ${f.key} vanished during login`);
    return existing;
  }

  async find(key: string, manager: EntityManager = this.dataSource.manager): Promise<Account | undefined> {
    const rows = await manager.query<Row[]>(`SELECT ${COLUMNS} FROM accounts.accounts WHERE key = $1`, [key]);
    return rows[0] ? toAccount(rows[0]) : undefined;
  }

  /** Display names of accounts by key (for showing whom a mandate concerns). */
  async namesOf(keys: readonly string[]): Promise<Map<string, string | null>> {
    if (keys.length === 0) return new Map();
    const rows = await this.dataSource.query<Array<{ key: string; name: string | null }>>(
      `SELECT key, COALESCE(display_name, token_name) AS name FROM accounts.accounts WHERE key = ANY($1)`,
      [[...new Set(keys)]],
    );
    return new Map(rows.map((r) => [r.key, r.name]));
  }

  async lock(manager: EntityManager, key: string): Promise<Account | undefined> {
    const rows = await manager.query<Row[]>(
      `SELECT ${COLUMNS} FROM accounts.accounts WHERE key = $1 FOR UPDATE`,
      [key],
    );
    return rows[0] ? toAccount(rows[0]) : undefined;
  }

  async setDisplayName(manager: EntityManager, key: string, displayName: string | null): Promise<void> {
    await manager.query(`UPDATE accounts.accounts SET display_name = $2 WHERE key = $1`, [key, displayName]);
  }

  async removeEmail(manager: EntityManager, key: string): Promise<void> {
    await manager.query(
      `UPDATE accounts.accounts SET email = NULL, email_confirmed_at = NULL, email_pending = NULL,
         email_token_hash = NULL, email_token_expires_at = NULL WHERE key = $1`,
      [key],
    );
  }

  /** A new contact address waits for confirmation; the confirmed one (if any) stays in use meanwhile. */
  async setPendingEmail(
    manager: EntityManager,
    key: string,
    email: string,
    tokenHash: string,
    expiresAt: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE accounts.accounts SET email_pending = $2, email_token_hash = $3, email_token_expires_at = $4
       WHERE key = $1`,
      [key, email, tokenHash, expiresAt],
    );
  }

  /** Confirms the pending address of the token; undefined when the token is unknown or expired. */
  async confirmEmail(tokenHash: string): Promise<string | undefined> {
    const result: unknown = await this.dataSource.query(
      `UPDATE accounts.accounts
         SET email = email_pending, email_confirmed_at = now(), email_pending = NULL,
             email_token_hash = NULL, email_token_expires_at = NULL
       WHERE email_token_hash = $1 AND email_pending IS NOT NULL AND email_token_expires_at > now()
       RETURNING key`,
      [tokenHash],
    );
    return returnedRows<{ key: string }>(result)[0]?.key;
  }

  async delete(manager: EntityManager, key: string): Promise<void> {
    await manager.query(`DELETE FROM accounts.accounts WHERE key = $1`, [key]);
    await manager.query(
      `INSERT INTO accounts.erased_accounts (account_key, erased_at) VALUES ($1, now())
       ON CONFLICT (account_key) DO UPDATE SET erased_at = EXCLUDED.erased_at`,
      [key],
    );
  }
}
