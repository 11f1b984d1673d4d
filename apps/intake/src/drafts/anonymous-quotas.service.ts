import { createHash } from 'node:crypto';
import { APP_CONFIG, ProblemException } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../common/access.service';
import type { IntakeConfig } from '../config';
import type { Leistung } from '../leistungen/leistungen.entity';
import { AnonymousQuotasRepository } from './anonymous-quotas.repository';

const HOUR = 3600;
/** A full Leistung is asked again at the earliest after a minute, at the latest after a day. */
const MIN_RETRY_SECONDS = 60;
const MAX_RETRY_SECONDS = 24 * HOUR;

function retryUntil(nextExpiry: Date | null): number {
  const seconds = nextExpiry === null ? MAX_RETRY_SECONDS : (nextExpiry.getTime() - Date.now()) / 1000;
  return Math.min(MAX_RETRY_SECONDS, Math.max(MIN_RETRY_SECONDS, Math.ceil(seconds)));
}

function full(retryAfter: number, code: string, de: string, en: string): ProblemException {
  return ProblemException.tooManyRequests(retryAfter, { de, en }, code);
}

/**
 * Anonymous drafts cost storage for up to their lifetime without anyone being accountable for them, so
 * they are bounded: per client and hour (a PostgreSQL counter, so the bound holds across replicas), per
 * Leistung in number, and per Leistung in the bytes of their files. Signed-in callers are not affected.
 */
@Injectable()
export class AnonymousQuotas {
  constructor(
    private readonly repository: AnonymousQuotasRepository,
    @Inject(APP_CONFIG) private readonly config: IntakeConfig,
  ) {}

  /** Before an anonymous draft is created: 429 when the client or the Leistung has had enough. */
  async admitDraft(caller: Caller, leistung: Leistung): Promise<void> {
    const perClient = this.config.INTAKE_ANONYMOUS_DRAFTS_PER_CLIENT_PER_HOUR;
    if (perClient > 0) {
      const client = createHash('sha256')
        .update(caller.address ?? '')
        .digest('base64url');
      const wait = await this.repository.counter.take(`anonymous-draft:${client}`, perClient, HOUR);
      if (wait > 0) {
        throw full(
          wait,
          'too-many-requests',
          `Von Ihrem Anschluss wurden in der letzten Stunde zu viele Entwürfe ohne Anmeldung begonnen (höchstens ${perClient}).`,
          `Too many drafts without login were started from your connection in the last hour (at most ${perClient}).`,
        );
      }
    }
    const perLeistung = this.config.INTAKE_ANONYMOUS_DRAFTS_PER_LEISTUNG;
    if (perLeistung > 0) {
      const live = await this.repository.liveDrafts(leistung.tenant, leistung.leikaKey);
      if (live.count >= perLeistung) {
        throw full(
          retryUntil(live.nextExpiry),
          'anonymous-quota-exceeded',
          'Für diese Leistung sind gerade zu viele Entwürfe ohne Anmeldung offen. Bitte melden Sie sich an oder versuchen Sie es später.',
          'Too many drafts without login are open for this Leistung right now. Please log in or try again later.',
        );
      }
    }
  }

  /**
   * Bytes an upload into this draft may still add under the Leistung's anonymous storage quota (Infinity
   * for drafts that belong to someone); 429 when nothing is left.
   */
  async storageRoom(draft: { ownerKey: string | null; tenant: string; leikaKey: string }): Promise<number> {
    const quota = this.config.INTAKE_ANONYMOUS_STORAGE_BYTES_PER_LEISTUNG;
    if (draft.ownerKey !== null || quota === 0) return Number.POSITIVE_INFINITY;
    const stored = await this.repository.storedBytes(draft.tenant, draft.leikaKey);
    const room = quota - stored.bytes;
    if (room <= 0) throw this.storageFull(stored.nextExpiry);
    return room;
  }

  /** The 429 of an upload that does not fit into what is left of the quota. */
  storageFull(nextExpiry: Date | null = null): ProblemException {
    return full(
      retryUntil(nextExpiry),
      'anonymous-quota-exceeded',
      'Der Speicherplatz für Anlagen ohne Anmeldung ist bei dieser Leistung gerade erschöpft. Bitte melden Sie sich an oder versuchen Sie es später.',
      'The storage for attachments without login is used up for this Leistung right now. Please log in or try again later.',
    );
  }
}
