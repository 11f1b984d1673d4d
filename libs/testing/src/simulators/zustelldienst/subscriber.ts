import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CompactEncrypt, compactDecrypt, type JWK } from 'jose';
import { EVENT, signSet } from './sets';
import type { TestCa } from './test-pki';
import type { SimulatedDestination, ZustelldienstSimulator } from './zustelldienst';

export interface ReceivedSubmission {
  submissionId: string;
  caseId: string;
  metadata: Record<string, unknown>;
  /** The metadata version read from `$schema` (1.0.0 has none). */
  metadataVersion: string;
  data: unknown;
  attachments: Map<string, Buffer>;
  problems: string[];
  decision: 'accept' | 'reject';
}

export interface FitConnectSubscriberOptions {
  zustelldienst: ZustelldienstSimulator;
  /** Issues the destination's certificates (its certificate goes into `x5c` after the leaf). */
  ca: TestCa;
  /** Where `fitconnect/metadata.schema.v*.json` are (the shared fixtures). */
  schemaDir: string;
  publicServices: SimulatedDestination['publicServices'];
  metadataVersions?: string[];
  /** The Fachverfahren's own check of the data (e.g. the FIM schema); problems, [] when valid. */
  validateData?: (data: unknown, metadata: Record<string, unknown>) => string[];
  /** Decides after the checks (default: accept when there are no problems). */
  decide?: (r: Omit<ReceivedSubmission, 'decision'>) => 'accept' | 'reject';
  /** Bits of the encryption and signature keys (FIT-Connect: 4096). */
  keyBits?: number;
  /** After accepting: the answer to send on the case (a Bescheid), or undefined for none. */
  replyTo?: (r: ReceivedSubmission) => FitConnectReplyContent | undefined;
}

/** What the Fachverfahren answers (Amtsbote's reply process standard, see REPLY_PROCESS_STANDARD). */
export interface FitConnectReplyContent {
  kind: 'BESCHEID' | 'MESSAGE';
  subject: string;
  body: string;
  attachments?: Array<{ filename: string; mediaType: string; content: Buffer }>;
}

/** The reply data standard Amtsbote names in `replyChannel.fitConnect.processStandards`. */
export const REPLY_PROCESS_STANDARD = 'urn:de:amtsbote:fit-connect:reply:1.0';

function sha512(b: Buffer | string): string {
  return createHash('sha512').update(b).digest('hex');
}

/**
 * A Fachverfahren that receives over FIT-Connect: its destination with an encryption key and a signature
 * key (certificates from the test PKI) registered at the simulated Zustelldienst, and the subscriber's
 * loop: list submissions, fetch and decrypt them, check hashes, metadata (official JSON Schema) and data,
 * then accept or reject with a SET it signs (PS512).
 */
export class FitConnectSubscriber {
  readonly destinationId = randomUUID();
  readonly received = new Map<string, ReceivedSubmission>();
  private readonly clientId = `subscriber-${this.destinationId}`;
  private readonly secret: string;
  private readonly encryptionKey: KeyObject;
  private readonly signatureKey: KeyObject;
  private readonly signatureKid = `sig-${randomUUID()}`;
  readonly encryptionKid = `enc-${randomUUID()}`;
  /** The private encryption key as JWK (for the second JOSE implementation in tests). */
  readonly encryptionPrivateJwk: JWK;
  private timer?: NodeJS.Timeout;
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });

  constructor(private readonly o: FitConnectSubscriberOptions) {
    addFormats(this.ajv);
    const bits = o.keyBits ?? 4096;
    const enc = generateKeyPairSync('rsa', { modulusLength: bits });
    const sig = generateKeyPairSync('rsa', { modulusLength: bits });
    this.encryptionKey = enc.privateKey;
    this.signatureKey = sig.privateKey;
    this.encryptionPrivateJwk = {
      ...enc.privateKey.export({ format: 'jwk' }),
      kid: this.encryptionKid,
      alg: 'RSA-OAEP-256',
    };
    const caCert = o.ca.certificate.raw.toString('base64');
    const x5c = (publicKey: KeyObject, use: 'enc' | 'sig') => [
      o.ca.issue({ subject: `${use} ${this.destinationId}`, publicKey, use }),
      caCert,
    ];
    o.zustelldienst.addDestination({
      destinationId: this.destinationId,
      status: 'active',
      metadataVersions: o.metadataVersions ?? ['1.0.0', '2.1.0'],
      encryptionKid: this.encryptionKid,
      publicServices: o.publicServices,
      keys: new Map([
        // The shape FIT-Connect publishes: key_ops wrapKey (which WebCrypto refuses for encryption).
        [
          this.encryptionKid,
          {
            ...enc.publicKey.export({ format: 'jwk' }),
            kid: this.encryptionKid,
            alg: 'RSA-OAEP-256',
            key_ops: ['wrapKey'],
            x5c: x5c(enc.publicKey, 'enc'),
          },
        ],
        [
          this.signatureKid,
          {
            ...sig.publicKey.export({ format: 'jwk' }),
            kid: this.signatureKid,
            alg: 'PS512',
            key_ops: ['verify'],
            x5c: x5c(sig.publicKey, 'sig'),
          },
        ],
      ]),
    });
    this.secret = o.zustelldienst.addClient(this.clientId, 'subscriber', [this.destinationId]);
  }

  private async token(): Promise<string> {
    const res = await fetch(this.o.zustelldienst.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.clientId,
        client_secret: this.secret,
      }).toString(),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  }

  private async call(token: string, method: string, path: string, body?: string): Promise<Response> {
    return fetch(`${this.o.zustelldienst.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/jose' } : {}) },
      body,
    });
  }

  private async decrypt(jwe: string): Promise<Buffer> {
    return Buffer.from((await compactDecrypt(jwe, this.encryptionKey)).plaintext);
  }

  private metadataProblems(metadata: Record<string, unknown>, version: string): string[] {
    const file = join(this.o.schemaDir, 'fitconnect', `metadata.schema.v${version}.json`);
    const validate =
      this.ajv.getSchema(file) ??
      (this.ajv.addSchema(JSON.parse(readFileSync(file, 'utf8')) as object, file), this.ajv.getSchema(file)!);
    return validate(metadata)
      ? []
      : (validate.errors ?? []).map((e) => `metadata ${version} ${e.instancePath} ${e.message}`);
  }

  /** One round: every open submission is fetched, checked, and accepted or rejected. */
  async processOnce(): Promise<number> {
    const token = await this.token();
    const list = (await (
      await this.call(token, 'GET', `/v2/submissions?destinationId=${this.destinationId}`)
    ).json()) as {
      submissions: Array<{ submissionId: string; caseId: string }>;
    };
    for (const { submissionId, caseId } of list.submissions) {
      const s = (await (await this.call(token, 'GET', `/v2/submissions/${submissionId}`)).json()) as {
        encryptedMetadata: string;
        encryptedData: string;
        attachments: string[];
      };
      const metadataBytes = await this.decrypt(s.encryptedMetadata);
      const dataBytes = await this.decrypt(s.encryptedData);
      const metadata = JSON.parse(metadataBytes.toString('utf8')) as Record<string, unknown>;
      const version =
        /metadata\/(\d+\.\d+\.\d+)\//.exec(
          typeof metadata.$schema === 'string' ? metadata.$schema : '',
        )?.[1] ?? '1.0.0';
      const problems = this.metadataProblems(metadata, version);
      const structure = metadata.contentStructure as {
        data: { hash: { content: string } };
        attachments: Array<{ attachmentId: string; hash: { content: string } }>;
      };
      if (structure.data.hash.content !== sha512(dataBytes))
        problems.push('the data does not match its hash');
      const attachments = new Map<string, Buffer>();
      const tags: Record<string, string> = {};
      for (const id of s.attachments) {
        const jwe = await (
          await this.call(token, 'GET', `/v2/submissions/${submissionId}/attachments/${id}`)
        ).text();
        const bytes = await this.decrypt(jwe);
        attachments.set(id, bytes);
        tags[id] = jwe.split('.')[4];
        if (structure.attachments.find((a) => a.attachmentId === id)?.hash.content !== sha512(bytes))
          problems.push(`attachment ${id} does not match its hash`);
      }
      let data: unknown = undefined;
      try {
        data = JSON.parse(dataBytes.toString('utf8'));
        problems.push(...(this.o.validateData?.(data, metadata) ?? []));
      } catch {
        problems.push('the data is not JSON');
      }
      const seen = { submissionId, caseId, metadata, metadataVersion: version, data, attachments, problems };
      const decision = this.o.decide?.(seen) ?? (problems.length === 0 ? 'accept' : 'reject');
      this.received.set(submissionId, { ...seen, decision });
      const payload =
        decision === 'accept'
          ? {
              authenticationTags: {
                metadata: s.encryptedMetadata.split('.')[4],
                data: s.encryptedData.split('.')[4],
                attachments: tags,
              },
            }
          : {
              problems: (problems.length ? problems : ['Der Antrag wurde fachlich abgelehnt.']).map(
                (detail) => ({
                  type: 'https://schema.fitko.de/fit-connect/events/problems/technical-error',
                  title: 'Antrag abgelehnt',
                  detail,
                  instance: `submission:${submissionId}`,
                }),
              ),
            };
      const set = await signSet(this.signatureKey, this.signatureKid, {
        iss: this.destinationId,
        submissionId,
        caseId,
        event: decision === 'accept' ? EVENT.accept : EVENT.reject,
        payload,
      });
      await this.call(token, 'POST', `/v2/cases/${caseId}/events`, set);
      const answer = decision === 'accept' ? this.o.replyTo?.({ ...seen, decision }) : undefined;
      if (answer) await this.reply(submissionId, answer);
    }
    return list.submissions.length;
  }

  /**
   * Answers a received submission over FIT-Connect: creates a reply on its case, uploads the attachments
   * and submits data and metadata, each as JWE to the sender's `replyChannel.fitConnect` key. Returns the replyId.
   */
  async reply(submissionId: string, answer: FitConnectReplyContent): Promise<string> {
    const r = this.received.get(submissionId);
    const channel = (r?.metadata.replyChannel as { fitConnect?: { encryptionPublicKey: JWK } } | undefined)
      ?.fitConnect;
    if (r === undefined || channel === undefined)
      throw new Error('the sender offered no FIT-Connect reply channel');
    const jwk = channel.encryptionPublicKey;
    const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n ?? '', e: jwk.e ?? '' }, format: 'jwk' });
    const encrypt = (bytes: Buffer, cty: string) =>
      new CompactEncrypt(bytes)
        .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: jwk.kid, cty })
        .encrypt(key);
    const token = await this.token();
    const files = (answer.attachments ?? []).map((a) => ({ ...a, attachmentId: randomUUID() }));
    const json = (method: string, path: string, body: unknown) =>
      fetch(`${this.o.zustelldienst.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = (await (
      await json('POST', '/v2/replies', {
        caseId: r.caseId,
        announcedAttachments: files.map((f) => f.attachmentId),
      })
    ).json()) as { replyId: string };
    for (const f of files)
      await this.call(
        token,
        'PUT',
        `/v2/replies/${created.replyId}/attachments/${f.attachmentId}`,
        await encrypt(f.content, f.mediaType),
      );
    const data = Buffer.from(
      JSON.stringify({ kind: answer.kind, subject: answer.subject, body: answer.body }),
    );
    const metadata = {
      contentStructure: {
        data: { processStandard: REPLY_PROCESS_STANDARD, hash: { type: 'sha512', content: sha512(data) } },
        attachments: files.map((f) => ({
          attachmentId: f.attachmentId,
          filename: f.filename,
          mimeType: f.mediaType,
          hash: { type: 'sha512', content: sha512(f.content) },
        })),
      },
    };
    const submitted = await json('PUT', `/v2/replies/${created.replyId}`, {
      encryptedMetadata: await encrypt(Buffer.from(JSON.stringify(metadata)), 'application/json'),
      encryptedData: await encrypt(data, 'application/json'),
    });
    if (submitted.status !== 200) throw new Error(`submitting the reply answered HTTP ${submitted.status}`);
    return created.replyId;
  }

  /** Processes in the background every `intervalMs` until {@link stop}. */
  start(intervalMs = 200): void {
    const tick = () => {
      this.timer = setTimeout(
        () =>
          void this.processOnce()
            .catch(() => undefined)
            .finally(() => this.timer && tick()),
        intervalMs,
      );
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
