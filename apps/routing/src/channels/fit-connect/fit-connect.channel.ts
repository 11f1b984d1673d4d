// A little over our ~400 lines on purpose: the Submission API's sender flow in the order FITKO describes it
// (destination, key, create, attachments, submit, event log); keys, events, replies and settings live beside it.
import { readFileSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { JWK } from 'jose';
import { routingMetrics } from '../../common/metrics';
import { RoutingSettings } from '../../common/settings';
import type { DestinationRecord } from '../../destinations/destinations.types';
import { encryptTo } from '../../formats/jwe';
import type { MessageRecord } from '../../messages/messages.types';
import type {
  ChannelReply,
  DeliveryChannel,
  DeliveryContext,
  DeliveryOutcome,
  FollowUpOutcome,
} from '../delivery-channel';
import { refusesTheMessage } from '../refusal';
import { type ApiAnswer, type FitConnectSettings, SubmissionApi, Unavailable } from './api';
import { destinationProblem, type PublicDestination, regionOf } from './destination';
import { EVENTS, problemsOf, UntrustedEvent, type VerifiedEvent, verifyEvent } from './events';
import {
  checkEncryptionKey,
  checkSignatureKey,
  KeyRejected,
  parsePemBundle,
  type PublishedJwk,
} from './keys';
import { announcedReplies, readReply, UnusableReply } from './replies';
import { settingsOf, validateSettings } from './settings';

/** What the channel keeps per message: the remote submission, so a redelivery does not create a second. */
interface FitConnectState {
  submissionId: string;
  caseId: string;
  stage: 'created' | 'submitted';
  uploaded: string[];
  /** JWE authentication tags sent (accept-submission repeats them). */
  tags?: { metadata: string; data: string; attachments: Record<string, string> };
  /** When the destination accepted (RECEIVED); from then on the case is read for replies. */
  acceptedAt?: string;
  /** Replies taken (recorded and confirmed) or found unusable: never read again. */
  replies?: string[];
}

class Refused extends Error {
  constructor(readonly outcome: Extract<DeliveryOutcome, { kind: 'refused' }>) {
    super(outcome.summary);
  }
}

function refused(summary: string, answer?: ApiAnswer, byReceiver = false): Refused {
  return new Refused({
    kind: 'refused',
    summary,
    httpStatus: answer?.status,
    responseExcerpt: answer?.text,
    refusesTheMessage: byReceiver || (answer !== undefined && refusesTheMessage(answer.status)),
  });
}

const jose = routingMetrics().jose;

/** Encrypts to the destination's key, timed (the benchmark reports the share spent in JOSE). */
async function encrypt(key: JWK, content: Uint8Array, mediaType: string): Promise<string> {
  const end = jose.startTimer({ operation: 'encrypt' });
  try {
    return await encryptTo(key, content, mediaType);
  } finally {
    end();
  }
}

function tagOf(jwe: string): string {
  return jwe.split('.')[4] ?? '';
}

interface Cached<T> {
  at: number;
  value: T;
}

/**
 * `fit-connect`: the sender role of FIT-Connect's Submission API v2. Checks the destination (active,
 * offers the Leistung for the region with our FIM schema and metadata version) and its encryption key
 * (certificate chain to a configured trust anchor), creates the submission, uploads every attachment and
 * then data and metadata as JWE (RSA-OAEP-256 + A256GCM, `cty` set), and reads the case's event log until
 * the destination accepts (RECEIVED) or rejects (REJECTED). The created submission is kept in the
 * message's channel state, so retries and redeliveries continue it instead of creating another.
 */
@Injectable()
export class FitConnectChannel implements DeliveryChannel {
  readonly name = 'fit-connect';
  readonly mode = 'push' as const;
  private readonly logger = new Logger('FitConnect');
  readonly api: SubmissionApi;
  private readonly anchors: X509Certificate[];
  private readonly destinations = new Map<string, Cached<{ info: PublicDestination; key: JWK }>>();
  private readonly signatureKeys = new Map<string, Cached<JWK>>();
  private readonly jwks = new Map<string, Cached<JWK[]>>();

  constructor(private readonly settings: RoutingSettings) {
    const c = settings.config;
    this.api = new SubmissionApi(c.ROUTING_FITCONNECT_SECRETS_DIR, c.ROUTING_PUSH_TIMEOUT_MS);
    const file = c.ROUTING_FITCONNECT_TRUST_ANCHORS_FILE;
    this.anchors = file ? parsePemBundle(readFileSync(file, 'utf8')) : [];
  }

  validate(d: DestinationRecord) {
    return validateSettings(d);
  }

  private fresh<T>(cached: Cached<T> | undefined): T | undefined {
    const ttl = this.settings.config.ROUTING_FITCONNECT_KEY_CACHE_MS;
    return cached && Date.now() - cached.at < ttl ? cached.value : undefined;
  }

  private followUpAt(): Date {
    return new Date(Date.now() + this.settings.config.ROUTING_FITCONNECT_FOLLOW_UP_MS);
  }

  /** The destination as the Zustelldienst describes it, and its checked encryption key (cached a while). */
  private async target(
    s: FitConnectSettings,
    signal: AbortSignal,
  ): Promise<{ info: PublicDestination; key: JWK }> {
    const cached = this.fresh(this.destinations.get(s.destinationId));
    if (cached) return cached;
    const info = await this.api.call<PublicDestination>(
      s,
      'GET',
      `/v2/destinations/${s.destinationId}`,
      signal,
    );
    if (info.status !== 200)
      throw refused(`GET destination ${s.destinationId} answered HTTP ${info.status}`, info);
    const kid = info.body.encryptionKid;
    if (typeof kid !== 'string' || kid === '') throw refused('the destination names no encryptionKid');
    const path = `/v2/destinations/${s.destinationId}/keys/${encodeURIComponent(kid)}`;
    const published = await this.api.call<PublishedJwk>(s, 'GET', path, signal);
    if (published.status !== 200)
      throw refused(`GET key ${kid} answered HTTP ${published.status}`, published);
    let key: JWK;
    try {
      key = checkEncryptionKey(published.body, kid, this.anchors);
    } catch (err) {
      if (err instanceof KeyRejected)
        throw refused(`the destination's encryption key ${kid} is refused: ${err.message}`);
      throw err;
    }
    const value = { info: info.body, key };
    this.destinations.set(s.destinationId, { at: Date.now(), value });
    return value;
  }

  async deliver(m: MessageRecord, d: DestinationRecord, ctx: DeliveryContext): Promise<DeliveryOutcome> {
    try {
      return await this.send(m, d, ctx);
    } catch (err) {
      if (err instanceof Refused) return err.outcome;
      if (err instanceof Unavailable)
        return { kind: 'retry', error: err.message, retryAfterSeconds: err.retryAfterSeconds };
      throw err;
    }
  }

  private async send(m: MessageRecord, d: DestinationRecord, ctx: DeliveryContext): Promise<DeliveryOutcome> {
    const s = settingsOf(d);
    let state = ctx.state as FitConnectState | null;
    if (state?.stage === 'submitted') return { kind: 'delivered', followUpAt: this.followUpAt() };
    if (m.input?.kind !== 'submission' || m.payload === null || m.metadata === null)
      throw refused('only submissions built as fit-connect-json travel over FIT-Connect');
    const input = m.input;
    const metadata = JSON.parse(m.metadata.toString('utf8')) as {
      $schema?: string;
      contentStructure: { data: { submissionSchema: { schemaUri: string } } };
    };
    const { info, key } = await this.target(s, ctx.signal);
    const leistung = `urn:de:fim:leika:leistung:${input.leikaKey}`;
    const problem = destinationProblem(info, {
      leistung,
      region: regionOf(input.ars),
      schemaUri: metadata.contentStructure.data.submissionSchema.schemaUri,
      metadataVersion: metadata.$schema?.match(/metadata\/(\d+\.\d+\.\d+)\//)?.[1] ?? '1.0.0',
    });
    if (problem) throw refused(problem);
    const attachments = (await ctx.attachments()).filter((a) => a.hasContent && a.content !== null);
    if (state === null) {
      const created = await this.api.call<{ submissionId?: string; caseId?: string }>(
        s,
        'POST',
        '/v2/submissions',
        ctx.signal,
        {
          json: {
            destinationId: s.destinationId,
            announcedAttachments: attachments.map((a) => a.attachmentId),
            publicService: { name: input.leistungName, identifier: leistung },
            region: regionOf(input.ars),
          },
        },
      );
      if (created.status !== 201 || !created.body.submissionId || !created.body.caseId)
        throw refused(`creating the submission answered HTTP ${created.status}`, created);
      state = {
        submissionId: created.body.submissionId,
        caseId: created.body.caseId,
        stage: 'created',
        uploaded: [],
      };
      await ctx.saveState(state);
    }
    const tags: NonNullable<FitConnectState['tags']> = { metadata: '', data: '', attachments: {} };
    for (const a of attachments) {
      if (state.uploaded.includes(a.attachmentId)) continue;
      const jwe = await encrypt(key, a.content!, a.mediaType);
      const path = `/v2/submissions/${state.submissionId}/attachments/${a.attachmentId}`;
      const put = await this.api.call(s, 'PUT', path, ctx.signal, { jose: jwe });
      if (put.status >= 300)
        throw refused(`uploading attachment ${a.attachmentId} answered HTTP ${put.status}`, put);
      tags.attachments[a.attachmentId] = tagOf(jwe);
      state = { ...state, uploaded: [...state.uploaded, a.attachmentId] };
      await ctx.saveState(state);
    }
    const encryptedMetadata = await encrypt(key, m.metadata, 'application/json');
    const encryptedData = await encrypt(key, m.payload, m.payloadMediaType ?? 'application/json');
    const submit = await this.api.call(s, 'PUT', `/v2/submissions/${state.submissionId}`, ctx.signal, {
      json: { encryptedMetadata, encryptedData },
    });
    if (submit.status === 409 && (await this.submittedBefore(s, state, ctx.signal))) {
      // The earlier attempt's submit arrived; only its answer was lost.
    } else if (submit.status >= 300) {
      throw refused(`submitting answered HTTP ${submit.status}`, submit);
    }
    await ctx.saveState({
      ...state,
      stage: 'submitted',
      tags: { ...tags, metadata: tagOf(encryptedMetadata), data: tagOf(encryptedData) },
    } satisfies FitConnectState);
    this.logger.log(
      { messageId: m.id, submissionId: state.submissionId, caseId: state.caseId },
      'submitted over FIT-Connect',
    );
    return { kind: 'delivered', followUpAt: this.followUpAt() };
  }

  /** Whether the case's log holds a verified submit-submission for this submission. */
  private async submittedBefore(
    s: FitConnectSettings,
    state: FitConnectState,
    signal: AbortSignal,
  ): Promise<boolean> {
    const events = await this.events(s, state, signal, undefined);
    return events.some((e) => e.type === EVENTS.submit);
  }

  /** The verified events of the case; unverifiable ones are logged and left out. */
  private async events(
    s: FitConnectSettings,
    state: FitConnectState,
    signal: AbortSignal,
    messageId: string | undefined,
  ) {
    const answer = await this.api.call<{ eventLog?: unknown }>(
      s,
      'GET',
      `/v2/cases/${state.caseId}/events`,
      signal,
    );
    if (answer.status !== 200 || !Array.isArray(answer.body.eventLog))
      throw new Error(`reading the event log answered HTTP ${answer.status}`);
    const verified = [];
    for (const set of answer.body.eventLog) {
      const end = jose.startTimer({ operation: 'verify' });
      try {
        verified.push(
          await verifyEvent(String(set), {
            caseId: state.caseId,
            submissionId: state.submissionId,
            destinationId: s.destinationId,
            zustelldienstKeys: () => this.zustelldienstKeys(s, signal),
            destinationKey: (kid) => this.destinationSignatureKey(s, kid, signal),
          }),
        );
      } catch (err) {
        if (!(err instanceof UntrustedEvent)) throw err;
        this.logger.warn(
          { messageId, caseId: state.caseId, reason: err.message },
          'FIT-Connect event ignored: not trusted',
        );
      } finally {
        end();
      }
    }
    return verified;
  }

  async followUp(m: MessageRecord, d: DestinationRecord, ctx: DeliveryContext): Promise<FollowUpOutcome> {
    const s = settingsOf(d);
    const state = ctx.state as FitConnectState | null;
    if (state?.stage !== 'submitted') throw new Error('no submitted FIT-Connect submission to follow');
    const events = await this.events(s, state, ctx.signal, m.id);
    if (state.acceptedAt !== undefined) {
      const c = this.settings.config;
      const until = Date.parse(state.acceptedAt) + c.ROUTING_FITCONNECT_REPLY_WINDOW_DAYS * 86_400_000;
      if (Date.now() > until) return { kind: 'finished' };
      // 'received' again: the receipt is idempotent, and one lost between saveState and the worker is redone.
      const replies = await this.replies(m, s, state, events, ctx);
      return { kind: 'received', checkAgainAt: this.replyPollAt(), replies };
    }
    for (const e of events) {
      if (e.type === EVENTS.reject) return { kind: 'refused', reasons: problemsOf(e.payload) };
      if (e.type !== EVENTS.accept) continue;
      const tags = e.payload.authenticationTags as { metadata?: string; data?: string } | undefined;
      if (tags && state.tags && (tags.metadata !== state.tags.metadata || tags.data !== state.tags.data)) {
        this.logger.warn(
          { messageId: m.id, caseId: state.caseId },
          'accept-submission names other authentication tags; ignored',
        );
        continue;
      }
      // Without a reply key routing offered no FIT-Connect reply channel: nothing more to follow.
      if (this.settings.fitConnectReplyKeys === undefined) return { kind: 'received' };
      const accepted: FitConnectState = { ...state, acceptedAt: new Date().toISOString() };
      await ctx.saveState(accepted);
      const replies = await this.replies(m, s, accepted, events, ctx);
      return { kind: 'received', checkAgainAt: this.replyPollAt(), replies };
    }
    return { kind: 'pending', checkAgainAt: this.followUpAt() };
  }

  private replyPollAt(): Date {
    return new Date(Date.now() + this.settings.config.ROUTING_FITCONNECT_REPLY_POLL_MS);
  }

  /**
   * The case's new replies, read and checked; each one's `acknowledge` confirms it to the Zustelldienst
   * (`accept`) and remembers it in the channel state. Unusable replies are logged and remembered, never taken.
   */
  private async replies(
    m: MessageRecord,
    s: FitConnectSettings,
    state: FitConnectState,
    events: VerifiedEvent[],
    ctx: DeliveryContext,
  ): Promise<ChannelReply[]> {
    const keys = this.settings.fitConnectReplyKeys;
    if (keys === undefined) return [];
    const taken = new Set(state.replies ?? []);
    const remember = async (replyId: string) => {
      taken.add(replyId);
      await ctx.saveState({ ...state, replies: [...taken] } satisfies FitConnectState);
    };
    const found: ChannelReply[] = [];
    for (const announced of announcedReplies(events)) {
      if (taken.has(announced.replyId)) continue;
      try {
        const { tags, ...reply } = await readReply(
          this.api,
          s,
          keys,
          announced,
          this.settings.config.ROUTING_REPLY_MAX_BYTES,
          ctx.signal,
        );
        found.push({
          ...reply,
          by: `channel:${this.name}`,
          acknowledge: async () => {
            const path = `/v2/replies/${reply.replyId}/accept`;
            const ack = await this.api.call(s, 'PUT', path, ctx.signal, {
              json: { authenticationTags: tags },
            });
            if (ack.status >= 300)
              throw new Error(`confirming reply ${reply.replyId} answered HTTP ${ack.status}`);
            await remember(reply.replyId);
          },
        });
      } catch (err) {
        if (!(err instanceof UnusableReply)) throw err;
        this.logger.warn(
          { messageId: m.id, caseId: state.caseId, replyId: announced.replyId, reason: err.message },
          'FIT-Connect reply not taken: unusable',
        );
        await remember(announced.replyId);
      }
    }
    return found;
  }

  private async zustelldienstKeys(s: FitConnectSettings, signal: AbortSignal): Promise<JWK[]> {
    const url = `${s.submissionApiUrl.replace(/\/$/, '')}/.well-known/jwks.json`;
    const cached = this.fresh(this.jwks.get(url));
    if (cached) return cached;
    const answer = await this.api.get<{ keys?: JWK[] }>(url, signal);
    const keys = (answer.body?.keys ?? []).filter(
      (k) => k.kty === 'RSA' && (k.alg === undefined || k.alg === 'PS512'),
    );
    this.jwks.set(url, { at: Date.now(), value: keys });
    return keys;
  }

  private async destinationSignatureKey(
    s: FitConnectSettings,
    kid: string,
    signal: AbortSignal,
  ): Promise<JWK> {
    const id = `${s.destinationId}|${kid}`;
    const cached = this.fresh(this.signatureKeys.get(id));
    if (cached) return cached;
    const path = `/v2/destinations/${s.destinationId}/keys/${encodeURIComponent(kid)}`;
    const answer = await this.api.call<PublishedJwk>(s, 'GET', path, signal);
    if (answer.status !== 200) throw new UntrustedEvent(`signature key ${kid}: HTTP ${answer.status}`);
    try {
      const key = checkSignatureKey(answer.body, kid, this.anchors);
      this.signatureKeys.set(id, { at: Date.now(), value: key });
      return key;
    } catch (err) {
      if (err instanceof KeyRejected) throw new UntrustedEvent(`signature key ${kid}: ${err.message}`);
      throw err;
    }
  }
}
