import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join, relative } from 'node:path';
import { minimalPdf } from '../../harness/pdf';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { compactDecrypt, importJWK, type JWK } from 'jose';
import JSZip from 'jszip';
import { clientCredentialsToken } from '../../oidc/tokens';
import { checkSignature, PUSH_HEADERS, type SignatureVerdict } from './signature';

/** The JSON a push delivery carries (and the pull API describes); see routing's docs/fachverfahren.md. */
export interface Envelope {
  messageId: string;
  kind: 'submission' | 'citizen-reply';
  destinationId: string;
  format: string;
  submissionId: string;
  vorgangsnummer: string;
  createdAt: string;
  encrypted: boolean;
  payload: EnvelopeFile;
  metadata?: { mediaType: string; encrypted: boolean; content?: string };
  attachments: Array<EnvelopeFile & { attachmentId: string }>;
}

export interface EnvelopeFile {
  filename: string;
  mediaType: string;
  size: number;
  sha512: string;
  encrypted: boolean;
  content?: string;
}

export interface ReceivedFile {
  attachmentId?: string;
  filename: string;
  mediaType: string;
  content: Buffer;
}

/** A message as the simulated Fachverfahren understood it: decrypted, unpacked, checked. */
export interface ReceivedMessage {
  envelope: Envelope;
  messageId: string;
  via: 'push' | 'pull';
  /** Decrypted payload bytes. */
  payload: Buffer;
  /** FIT-Connect metadata, parsed. */
  metadata?: unknown;
  attachments: ReceivedFile[];
  /** xdomea: the files inside the ZIP by name. */
  zipEntries?: Map<string, Buffer>;
  /** The XML to validate: the XÖV message, and for xdomea the enclosed Antrag (FIM-XML). */
  xml?: { message: string; antrag?: string };
  receivedAt: Date;
  validation: ValidationOutcome;
}

export interface ValidationOutcome {
  valid: boolean;
  /** What was checked, e.g. `xdomea-3.0.0 (xmllint-wasm)`. */
  checked: string[];
  problems: string[];
}

export type SimulatorMode =
  | { kind: 'ok' }
  /** Connections are cut without an answer (as if the host were unreachable). */
  | { kind: 'down' }
  /** The message is taken, the answer comes after `delayMs`. */
  | { kind: 'slow'; delayMs: number }
  /** HTTP `status` (default 500) without taking the message. */
  | { kind: 'error'; status?: number }
  /** The message is refused as unprocessable (422): a permanent refusal. */
  | { kind: 'reject' };

export interface RoutingClient {
  /** Base URL of the routing service. */
  url: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface FachverfahrenSimulatorOptions {
  port?: number;
  host?: string;
  /** HMAC secret of the destination (from routing's POST /destinations answer); settable later. */
  secret?: string;
  /** Private JWK to decrypt payloads encrypted to the destination's public key. */
  privateKey?: JWK;
  /**
   * Schema validation of received messages (XSD, JSON Schema). Without it, xdomea messages are checked
   * with xmllint-wasm against `schemaDir`/xdomea and FIT-Connect metadata with ajv; fim-xml needs a validator
   * that knows the FIM schema's XSD.
   */
  validate?: (m: ReceivedMessage) => Promise<ValidationOutcome> | ValidationOutcome;
  schemaDir?: string;
  /** Routing's back channel (client credentials of the Fachverfahren). */
  routing?: RoutingClient;
  /** Answer every received submission with a receipt, PROCESSING, a Bescheid and COMPLETED. */
  autoRespond?: boolean;
  /** Pull the mailbox whenever routing's callback says something is waiting. */
  autoPullOnCallback?: boolean;
  log?: (line: string) => void;
}

function sha512(b: Buffer): string {
  return createHash('sha512').update(b).digest('hex');
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
  res.end(text);
}

/** A minimal PDF so the Bescheid attachment is a real file. */
function bescheidPdf(vorgangsnummer: string): Buffer {
  return minimalPdf(`Bescheid zu ${vorgangsnummer}`);
}

/**
 * A Fachverfahren for tests and the demo, over real HTTP: receives pushes (verifies the HMAC signature,
 * decrypts JWE, checks hashes, unpacks the xdomea ZIP, validates against the schemas, drops duplicates by
 * message id), pulls from routing's mailbox, fails on demand (down, slow, 5xx, reject), and answers through
 * routing's back channel with a receipt, status and a Bescheid.
 */
export class FachverfahrenSimulator {
  /** Unique messages by id. */
  readonly received = new Map<string, ReceivedMessage>();
  /** Every push request that reached the handler (duplicates and refusals included). */
  pushes = 0;
  duplicates = 0;
  readonly refusedSignatures: Array<{ verdict: SignatureVerdict; at: Date }> = [];
  readonly refusedInvalid: Array<{ messageId: string; problems: string[] }> = [];
  readonly callbacks: Array<{ messageId: string; verdict: SignatureVerdict }> = [];
  readonly responses: Array<{ messageId: string; step: string; status: number }> = [];
  private mode: SimulatorMode = { kind: 'ok' };
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port: number;
  private readonly host: string;
  private token?: { value: string; until: number };
  private readonly pending = new Set<Promise<unknown>>();
  private xdomeaPreload?: Array<{ fileName: string; contents: Buffer }>;

  private constructor(private readonly options: FachverfahrenSimulatorOptions) {
    this.port = options.port ?? 0;
    this.host = options.host ?? '127.0.0.1';
  }

  static async start(options: FachverfahrenSimulatorOptions = {}): Promise<FachverfahrenSimulator> {
    const sim = new FachverfahrenSimulator(options);
    await sim.listen();
    return sim;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** The push endpoint to register as the destination's `endpointUrl`. */
  get inboxUrl(): string {
    return `${this.url}/inbox`;
  }

  /** The callback to register as the destination's `callbackUrl` (pull channel). */
  get callbackUrl(): string {
    return `${this.url}/callback`;
  }

  setMode(mode: SimulatorMode): void {
    this.mode = mode;
  }

  setSecret(secret: string): void {
    this.options.secret = secret;
  }

  setPrivateKey(key: JWK | undefined): void {
    this.options.privateKey = key;
  }

  configureRouting(routing: RoutingClient): void {
    this.options.routing = routing;
    this.token = undefined;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { title: (err as Error).message });
        else res.destroy();
      });
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Really down: the port refuses connections until {@link start} is called again. */
  async goDown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Up again on the same port. */
  async comeUp(): Promise<void> {
    if (this.server === undefined) await this.listen();
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await this.goDown();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/inbox') return this.onPush(req, res);
    if (req.method === 'POST' && path === '/callback') return this.onCallback(req, res);
    if (req.method === 'GET' && path === '/_sim/messages') {
      return json(
        res,
        200,
        [...this.received.values()].map((m) => ({
          messageId: m.messageId,
          kind: m.envelope.kind,
          format: m.envelope.format,
          via: m.via,
          valid: m.validation.valid,
          checked: m.validation.checked,
          problems: m.validation.problems,
        })),
      );
    }
    if (req.method === 'GET' && path === '/_sim/stats') {
      return json(res, 200, {
        received: this.received.size,
        pushes: this.pushes,
        duplicates: this.duplicates,
        refusedSignatures: this.refusedSignatures.length,
        refusedInvalid: this.refusedInvalid.length,
        mode: this.mode,
      });
    }
    if (req.method === 'POST' && path === '/_sim/mode') {
      this.mode = JSON.parse((await readBody(req, 10_000)).toString('utf8')) as SimulatorMode;
      return json(res, 200, this.mode);
    }
    if (req.method === 'POST' && path === '/_sim/pull') {
      const pulled = await this.pullOnce();
      return json(res, 200, { pulled: pulled.map((m) => m.messageId) });
    }
    json(res, 404, { title: 'not found' });
  }

  private verify(req: IncomingMessage, body: Buffer): SignatureVerdict {
    if (this.options.secret === undefined) return 'missing';
    return checkSignature(
      this.options.secret,
      body,
      header(req, PUSH_HEADERS.timestamp),
      header(req, PUSH_HEADERS.signature),
    );
  }

  private async onPush(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const mode = this.mode;
    if (mode.kind === 'down') {
      req.socket.destroy();
      return;
    }
    this.pushes++;
    const body = await readBody(req, 256 * 1024 * 1024);
    const verdict = this.verify(req, body);
    if (verdict !== 'ok') {
      this.refusedSignatures.push({ verdict, at: new Date() });
      return json(res, 401, { title: `signature ${verdict}` });
    }
    if (mode.kind === 'error') return json(res, mode.status ?? 500, { title: 'simulated failure' });
    if (mode.kind === 'reject') return json(res, 422, { title: 'simulated refusal' });
    let envelope: Envelope;
    try {
      envelope = JSON.parse(body.toString('utf8')) as Envelope;
    } catch {
      return json(res, 400, { title: 'not JSON' });
    }
    if (this.received.has(envelope.messageId)) {
      // A re-send of a message we have: the stable message id lets us drop it.
      this.duplicates++;
      if (mode.kind === 'slow') await new Promise((r) => setTimeout(r, mode.delayMs));
      return json(res, 200, { messageId: envelope.messageId, duplicate: true });
    }
    let message: ReceivedMessage;
    try {
      message = await this.unpack(envelope, 'push', undefined);
    } catch (err) {
      this.refusedInvalid.push({ messageId: envelope.messageId, problems: [(err as Error).message] });
      return json(res, 400, { title: (err as Error).message });
    }
    if (!message.validation.valid) {
      this.refusedInvalid.push({ messageId: envelope.messageId, problems: message.validation.problems });
      return json(res, 422, { title: 'invalid message', problems: message.validation.problems });
    }
    this.received.set(message.messageId, message);
    this.log(`received ${message.messageId} (${envelope.format}) by push`);
    if (mode.kind === 'slow') await new Promise((r) => setTimeout(r, mode.delayMs));
    json(res, 200, { messageId: message.messageId });
    if (this.options.autoRespond && envelope.kind === 'submission')
      this.track(this.respond(message.messageId));
  }

  private async onCallback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, 100_000);
    const verdict = this.verify(req, body);
    const { messageId } = JSON.parse(body.toString('utf8') || '{}') as { messageId?: string };
    this.callbacks.push({ messageId: messageId ?? '', verdict });
    if (verdict !== 'ok') return json(res, 401, { title: `signature ${verdict}` });
    json(res, 202, {});
    if (this.options.autoPullOnCallback) this.track(this.pullOnce());
  }

  private track(p: Promise<unknown>): void {
    const t = p.catch((err: unknown) => this.log(`background step failed: ${(err as Error).message}`));
    this.pending.add(t);
    void t.finally(() => this.pending.delete(t));
  }

  private async open(content: string, encrypted: boolean): Promise<Buffer> {
    if (!encrypted) return Buffer.from(content, 'base64');
    if (this.options.privateKey === undefined)
      throw new Error('encrypted, but the simulator has no private key');
    const key = await importJWK(this.options.privateKey, 'RSA-OAEP-256');
    const { plaintext, protectedHeader } = await compactDecrypt(content, key);
    if (protectedHeader.alg !== 'RSA-OAEP-256' || protectedHeader.enc !== 'A256GCM') {
      throw new Error(`unexpected JWE algorithms ${protectedHeader.alg}/${protectedHeader.enc}`);
    }
    return Buffer.from(plaintext);
  }

  /**
   * Decrypts and checks a message. With `fetchRaw` (pull) the contents come from routing's mailbox API;
   * otherwise they are inline (push).
   */
  private async unpack(
    envelope: Envelope,
    via: 'push' | 'pull',
    fetchRaw: ((path: string) => Promise<Buffer>) | undefined,
  ): Promise<ReceivedMessage> {
    const raw = async (inline: string | undefined, path: string, encrypted: boolean): Promise<Buffer> => {
      if (fetchRaw === undefined) {
        if (inline === undefined) throw new Error(`content of ${path} missing`);
        return this.open(inline, encrypted);
      }
      const bytes = await fetchRaw(path);
      return encrypted ? this.open(bytes.toString('utf8'), true) : bytes;
    };
    const payload = await raw(envelope.payload.content, 'payload', envelope.encrypted);
    if (sha512(payload) !== envelope.payload.sha512) throw new Error('payload does not match its SHA-512');
    const attachments: ReceivedFile[] = [];
    for (const a of envelope.attachments) {
      const content = await raw(a.content, `attachments/${a.attachmentId}`, a.encrypted);
      if (sha512(content) !== a.sha512)
        throw new Error(`attachment ${a.attachmentId} does not match its SHA-512`);
      attachments.push({
        attachmentId: a.attachmentId,
        filename: a.filename,
        mediaType: a.mediaType,
        content,
      });
    }
    const message: ReceivedMessage = {
      envelope,
      messageId: envelope.messageId,
      via,
      payload,
      attachments,
      receivedAt: new Date(),
      validation: { valid: true, checked: [], problems: [] },
    };
    if (envelope.metadata !== undefined) {
      const metadata = await raw(envelope.metadata.content, 'metadata', envelope.metadata.encrypted);
      message.metadata = JSON.parse(metadata.toString('utf8')) as unknown;
    }
    if (envelope.format === 'xdomea-3.0') {
      const zip = await JSZip.loadAsync(payload);
      const entries = new Map<string, Buffer>();
      for (const name of Object.keys(zip.files)) entries.set(name, await zip.file(name)!.async('nodebuffer'));
      message.zipEntries = entries;
      const messageFile = [...entries.keys()].find((n) =>
        n.endsWith('_Geschaeftsgang.Geschaeftsgang.0201.xml'),
      );
      const antragFile = [...entries.keys()].find((n) => n.endsWith('_Antrag.xml'));
      if (messageFile === undefined)
        throw new Error('the xdomea ZIP has no Geschaeftsgang.Geschaeftsgang.0201 message');
      message.xml = {
        message: entries.get(messageFile)!.toString('utf8'),
        antrag: antragFile === undefined ? undefined : entries.get(antragFile)!.toString('utf8'),
      };
      // Every Dateiname in the message must be in the ZIP.
      for (const [, name] of message.xml.message.matchAll(/<xdomea:Dateiname>([^<]+)<\/xdomea:Dateiname>/g)) {
        if (!entries.has(name))
          message.validation.problems.push(`file ${name} named in the message is not in the ZIP`);
      }
    } else if (envelope.format === 'fim-xml') {
      message.xml = { message: payload.toString('utf8') };
    }
    const outcome = this.options.validate
      ? await this.options.validate(message)
      : await this.defaultValidation(message);
    message.validation = {
      valid: outcome.valid && message.validation.problems.length === 0,
      checked: outcome.checked,
      problems: [...message.validation.problems, ...outcome.problems],
    };
    return message;
  }

  private async defaultValidation(m: ReceivedMessage): Promise<ValidationOutcome> {
    const dir = this.options.schemaDir;
    if (dir === undefined) return { valid: true, checked: [], problems: [] };
    if (m.envelope.format === 'xdomea-3.0' && m.xml !== undefined) {
      const root = join(dir, 'xdomea');
      if (this.xdomeaPreload === undefined) {
        const files: Array<{ fileName: string; contents: Buffer }> = [];
        const walk = (d: string) => {
          for (const f of readdirSync(d)) {
            const p = join(d, f);
            if (statSync(p).isDirectory()) walk(p);
            else if (f.endsWith('.xsd'))
              files.push({ fileName: relative(root, p), contents: readFileSync(p) });
          }
        };
        walk(root);
        this.xdomeaPreload = files;
      }
      const { validateXML } = await import('xmllint-wasm');
      const result = await validateXML({
        xml: [{ fileName: 'message.xml', contents: m.xml.message }],
        schema: [],
        preload: this.xdomeaPreload,
        modifyArguments: (args) => ['--schema', 'xdomea_3.0.0/xdomea.xsd', ...args],
      });
      return {
        valid: result.valid,
        checked: ['xdomea-3.0.0 (xmllint-wasm)'],
        problems: result.errors.map((e) => e.message),
      };
    }
    if (m.envelope.format === 'fit-connect-json' && m.metadata !== undefined) {
      // The version the metadata names in $schema (2.x); 1.0.0 names none.
      const named = (m.metadata as { $schema?: unknown }).$schema;
      const version =
        /metadata\/(\d+\.\d+\.\d+)\//.exec(typeof named === 'string' ? named : '')?.[1] ?? '1.0.0';
      const ajv = new Ajv2020({ allErrors: true, strict: false });
      addFormats(ajv);
      const schema = JSON.parse(
        readFileSync(join(dir, 'fitconnect', `metadata.schema.v${version}.json`), 'utf8'),
      ) as object;
      const validate = ajv.compile(schema);
      const valid = validate(m.metadata);
      return {
        valid,
        checked: [`fitconnect-metadata-${version} (ajv)`],
        problems: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`),
      };
    }
    return { valid: true, checked: [], problems: [] };
  }

  // ---- routing's API as a Fachverfahren uses it ---------------------------------------------------

  private routingClient(): RoutingClient {
    if (this.options.routing === undefined) throw new Error('the simulator has no routing client configured');
    return this.options.routing;
  }

  private async bearer(): Promise<string> {
    const r = this.routingClient();
    if (this.token === undefined || this.token.until < Date.now()) {
      const value = await clientCredentialsToken(
        r.issuer,
        r.clientId,
        r.clientSecret,
        'routing.pull routing.receipt routing.status routing.reply',
      );
      this.token = { value, until: Date.now() + 240_000 };
    }
    return this.token.value;
  }

  /** Calls routing's Fachverfahren API with the client-credentials token. */
  async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown; raw: Buffer }> {
    const response = await fetch(`${this.routingClient().url}/fachverfahren/messages${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await this.bearer()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const raw = Buffer.from(await response.arrayBuffer());
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    return { status: response.status, json: parsed, raw };
  }

  private async expect(method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await this.call(method, path, body);
    this.responses.push({ messageId: path.split('/')[1] ?? '', step: `${method} ${path}`, status: r.status });
    if (r.status >= 300)
      throw new Error(`${method} ${path} answered ${r.status}: ${r.raw.toString('utf8').slice(0, 300)}`);
    return r.json;
  }

  /**
   * Empties the mailbox once: fetches each pending message with its attachments, checks it like a push,
   * then accepts it (or rejects it with the problems found, or when in `reject` mode).
   */
  async pullOnce(): Promise<ReceivedMessage[]> {
    const pending = (await this.expect('GET', '')) as Array<{ messageId: string }>;
    const out: ReceivedMessage[] = [];
    for (const item of pending) {
      const envelope = (await this.expect('GET', `/${item.messageId}`)) as Envelope;
      const fetchRaw = async (sub: string) => {
        const r = await this.call('GET', `/${item.messageId}/${sub}`);
        if (r.status !== 200) throw new Error(`GET ${sub} answered ${r.status}`);
        return r.raw;
      };
      let message: ReceivedMessage;
      try {
        message = await this.unpack(envelope, 'pull', fetchRaw);
      } catch (err) {
        await this.expect('POST', `/${item.messageId}/reject`, {
          problems: [{ code: 'unreadable', title: (err as Error).message }],
        });
        continue;
      }
      if (this.mode.kind === 'reject' || !message.validation.valid) {
        const problems = message.validation.valid ? ['simulated refusal'] : message.validation.problems;
        this.refusedInvalid.push({ messageId: message.messageId, problems });
        await this.expect('POST', `/${item.messageId}/reject`, {
          problems: problems.slice(0, 50).map((p) => ({ code: 'invalid', title: p.slice(0, 500) })),
        });
        continue;
      }
      await this.expect('POST', `/${item.messageId}/accept`);
      this.received.set(message.messageId, message);
      out.push(message);
      if (this.options.autoRespond && envelope.kind === 'submission') await this.respond(message.messageId);
    }
    return out;
  }

  /** Receipt, PROCESSING, a Bescheid (text + PDF) and COMPLETED for one message, through routing's back channel. */
  async respond(
    messageId: string,
    opts: { replyId?: string; bescheid?: boolean } = {},
  ): Promise<{ replyId?: string }> {
    const m = this.received.get(messageId);
    // Sent right after answering the push; routing accepts a receipt that overtakes its own bookkeeping.
    await this.expect('POST', `/${messageId}/receipt`);
    await this.expect('POST', `/${messageId}/status`, { status: 'PROCESSING' });
    let replyId: string | undefined;
    if (opts.bescheid !== false) {
      replyId = opts.replyId ?? randomUUID();
      const vorgang = m?.envelope.vorgangsnummer ?? messageId;
      await this.expect('POST', `/${messageId}/replies`, {
        replyId,
        kind: 'BESCHEID',
        subject: `Bescheid zu Ihrem Antrag ${vorgang}`,
        body: 'Sehr geehrte Antragstellerin, sehr geehrter Antragsteller,\n\nIhrem Antrag wird stattgegeben.',
        attachments: [
          {
            filename: 'Bescheid.pdf',
            mediaType: 'application/pdf',
            content: bescheidPdf(vorgang).toString('base64'),
          },
        ],
      });
    }
    await this.expect('POST', `/${messageId}/status`, { status: 'COMPLETED' });
    return { replyId };
  }

  /** Resolves when `probe` holds (polling), for tests. */
  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline) throw new Error(`simulator: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
