import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { type RequestKind, requestViolations } from './api-description';
import { ReplyDesk } from './replies';
import { RoutingDirectory } from './routing-api';
import { EVENT, signSet } from './sets';

/** A destination (Zustellpunkt) as the simulator publishes it. */
export interface SimulatedDestination {
  destinationId: string;
  status: 'active' | 'inactive';
  metadataVersions: string[];
  encryptionKid: string;
  publicServices: Array<{
    name: string;
    identifier: string;
    regions?: string[];
    submissionSchemas: Array<{ schemaUri: string; mimeType: string }>;
  }>;
  /** Published keys by kid (encryption and signature keys, with `x5c`). */
  keys: Map<string, JWK & { x5c?: string[] }>;
}

export interface SimulatedSubmission {
  submissionId: string;
  caseId: string;
  destinationId: string;
  announcedAttachments: string[];
  publicService: { name: string; identifier: string };
  region?: string;
  attachments: Map<string, string>;
  encryptedMetadata?: string;
  encryptedData?: string;
  /** Set by the subscriber's accept or reject. */
  decided?: 'accepted' | 'rejected';
}

interface Client {
  secret: string;
  role: 'sender' | 'subscriber';
  /** Subscribers: the destinations they may read and answer for. */
  destinations: string[];
}

export interface ZustelldienstOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  tokenTtlSeconds?: number;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * A FIT-Connect Zustelldienst for tests and the demo: the Submission API v2 sender half (destinations,
 * keys, create, upload, submit, the case's event log) and subscriber half (list, fetch, post accept or
 * reject), OAuth 2.0 client credentials with `client_secret_post`, its own events as PS512 SETs with
 * the key published at `/.well-known/jwks.json`. Every request is checked against the API description
 * (`violations`); `failNext` and `appendEvent` stage outages and forged events.
 */
export class ZustelldienstSimulator {
  readonly destinations = new Map<string, SimulatedDestination>();
  readonly submissions = new Map<string, SimulatedSubmission>();
  readonly events = new Map<string, string[]>();
  /** Requests that do not match the API description. */
  readonly violations: string[] = [];
  /** Every request: method, path (no query), status answered. */
  readonly requests: Array<{ method: string; path: string; status: number; clientId?: string }> = [];
  tokenRequests = 0;
  /** Replies of destinations to their cases (`/v2/replies`). */
  readonly replyDesk: ReplyDesk = new ReplyDesk({
    caseOf: (caseId) => [...this.submissions.values()].find((x) => x.caseId === caseId),
    check: (kind, req, body) => this.check(kind, req, body),
    emitFor: (c, event, payload, replyId) => this.emit(c, event, payload, replyId),
  });
  private readonly clients = new Map<string, Client>();
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly signingKey: KeyObject;
  readonly signingJwk: JWK;
  /** The Routing API half (`GET /v1/routes`), answering from its table. */
  readonly routing: RoutingDirectory;
  private outage: { remaining: number; status: number; only?: { method: string; path: RegExp } } = {
    remaining: 0,
    status: 503,
  };

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly o: ZustelldienstOptions,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
    this.signingKey = privateKey;
    this.signingJwk = {
      ...publicKey.export({ format: 'jwk' }),
      kid: `zd-${randomUUID()}`,
      alg: 'PS512',
      use: 'sig',
      key_ops: ['verify'],
    };
    this.routing = new RoutingDirectory({
      submissionUrl: url,
      signingKey: privateKey,
      kid: this.signingJwk.kid!,
      issuer: url,
    });
  }

  static async start(o: ZustelldienstOptions = {}): Promise<ZustelldienstSimulator> {
    const holder: { sim?: ZustelldienstSimulator } = {};
    const server = createServer((req, res) => void holder.sim!.handle(req, res));
    await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', () => r()));
    holder.sim = new ZustelldienstSimulator(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      o,
    );
    return holder.sim;
  }

  /** Base URL of the Routing API half, as `ROUTING_FITCONNECT_ROUTING_API_URL` takes it. */
  get routingApiUrl(): string {
    return `${this.url}/v1`;
  }

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  /** A client of the token endpoint; returns its secret. */
  addClient(clientId: string, role: Client['role'], destinations: string[] = []): string {
    const secret = randomBytes(24).toString('base64url');
    this.clients.set(clientId, { secret, role, destinations });
    return secret;
  }

  addDestination(d: SimulatedDestination): void {
    this.destinations.set(d.destinationId, d);
  }

  /**
   * The next `n` Submission API requests (not token requests) answer `status` (an outage); with `only`,
   * just the next `n` requests of that method and path (e.g. the finalising PUT).
   */
  failNext(n: number, status = 503, only?: { method: string; path: RegExp }): void {
    this.outage = { remaining: n, status, only };
  }

  /** Puts a SET into a case's log as is (a forged or foreign event). */
  appendEvent(caseId: string, set: string): void {
    this.events.set(caseId, [...(this.events.get(caseId) ?? []), set]);
  }

  private async emit(
    s: { submissionId: string; caseId: string },
    event: string,
    payload?: Record<string, unknown>,
    replyId?: string,
  ): Promise<void> {
    const set = await signSet(this.signingKey, this.signingJwk.kid!, {
      iss: this.url,
      submissionId: s.submissionId,
      caseId: s.caseId,
      event,
      payload,
      replyId,
    });
    this.appendEvent(s.caseId, set);
  }

  /** Control view (demo and developers): each submission's decision and its replies. */
  overview() {
    return [...this.submissions.values()].map((s) => ({
      submissionId: s.submissionId,
      caseId: s.caseId,
      destinationId: s.destinationId,
      publicService: s.publicService.identifier,
      decided: s.decided ?? null,
      replies: [...this.replyDesk.replies.values()]
        .filter((r) => r.caseId === s.caseId)
        .map((r) => ({ replyId: r.replyId, accepted: r.accepted === true })),
    }));
  }

  private check(kind: RequestKind, req: IncomingMessage, body: unknown): boolean {
    const problems = requestViolations(kind, req.headers['content-type'], body);
    this.violations.push(...problems.map((p) => `${req.method} ${req.url}: ${p}`));
    return problems.length === 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0];
    const entry: (typeof this.requests)[number] = { method: req.method ?? '', path, status: 0 };
    this.requests.push(entry);
    const send = (status: number, body?: unknown, type: Record<string, string> = JSON_TYPE) => {
      entry.status = status;
      if (body === undefined) res.writeHead(status).end();
      else res.writeHead(status, type).end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const problem = (status: number, title: string) =>
      send(status, { type: 'about:blank', title, status }, { 'content-type': 'application/problem+json' });
    try {
      if (req.method === 'POST' && path === '/token') return this.token(req, raw, send, entry);
      if (req.method === 'GET' && path === '/.well-known/jwks.json')
        return send(200, { keys: [this.signingJwk] });
      if (req.method === 'GET' && path === '/_sim/submissions') return send(200, this.overview());
      if (path === '/v1/routes') return await this.routing.handle(req, send, problem);
      if (!path.startsWith('/v2/')) return problem(404, 'not found');
      const o = this.outage.only;
      if (this.outage.remaining > 0 && (o === undefined || (o.method === req.method && o.path.test(path)))) {
        this.outage.remaining--;
        return problem(this.outage.status, 'Zustelldienst nicht verfügbar (simuliert)');
      }
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const token = auth === undefined ? undefined : this.tokens.get(auth);
      if (token === undefined || token.expiresAt < Date.now()) return problem(401, 'invalid token');
      entry.clientId = token.clientId;
      const client = this.clients.get(token.clientId)!;
      const body = (): unknown => {
        try {
          return JSON.parse(raw);
        } catch {
          return raw;
        }
      };
      const ctx = { req, raw, body, send, problem, client };
      const m = (re: RegExp) => re.exec(path);
      let p: RegExpExecArray | null;
      if (await this.replyDesk.handle(req.method ?? '', path, ctx)) return;
      if (req.method === 'GET' && (p = m(/^\/v2\/destinations\/([^/]+)$/)))
        return this.destination(p[1], ctx);
      if (req.method === 'GET' && (p = m(/^\/v2\/destinations\/([^/]+)\/keys\/([^/]+)$/)))
        return this.key(p[1], decodeURIComponent(p[2]), ctx);
      if (req.method === 'POST' && path === '/v2/submissions') return await this.create(ctx);
      if (req.method === 'PUT' && (p = m(/^\/v2\/submissions\/([^/]+)\/attachments\/([^/]+)$/)))
        return this.upload(p[1], p[2], ctx);
      if (req.method === 'PUT' && (p = m(/^\/v2\/submissions\/([^/]+)$/)))
        return await this.submit(p[1], ctx);
      if (req.method === 'GET' && (p = m(/^\/v2\/cases\/([^/]+)\/events$/))) return this.eventLog(p[1], ctx);
      if (req.method === 'POST' && (p = m(/^\/v2\/cases\/([^/]+)\/events$/)))
        return await this.postEvent(p[1], ctx);
      if (req.method === 'GET' && path === '/v2/submissions') return this.list(req, ctx);
      if (req.method === 'GET' && (p = m(/^\/v2\/submissions\/([^/]+)$/))) return this.fetch(p[1], ctx);
      if (req.method === 'GET' && (p = m(/^\/v2\/submissions\/([^/]+)\/attachments\/([^/]+)$/)))
        return this.attachment(p[1], p[2], ctx);
      return problem(404, 'not found');
    } catch (err) {
      return problem(500, (err as Error).message);
    }
  }

  private token(req: IncomingMessage, raw: string, send: Ctx['send'], entry: { clientId?: string }): void {
    this.tokenRequests++;
    const form = Object.fromEntries(new URLSearchParams(raw));
    entry.clientId = form.client_id;
    this.check('token', req, form);
    const client = this.clients.get(form.client_id ?? '');
    // client_secret_post only: a secret in the Authorization header (client_secret_basic) is not looked at.
    if (
      form.grant_type !== 'client_credentials' ||
      client === undefined ||
      client.secret !== form.client_secret
    )
      return send(401, { error: 'invalid_client' });
    const token = randomBytes(24).toString('base64url');
    const ttl = this.o.tokenTtlSeconds ?? 1800;
    this.tokens.set(token, { clientId: form.client_id, expiresAt: Date.now() + ttl * 1000 });
    const scope = client.role === 'sender' ? 'send-submissions' : 'subscribe-destinations';
    send(200, { access_token: token, token_type: 'Bearer', expires_in: ttl, scope });
  }

  private destination(id: string, c: Ctx): void {
    const d = this.destinations.get(id);
    if (d === undefined) return c.problem(404, 'destination not found');
    const { keys: _keys, ...published } = d;
    c.send(200, published);
  }

  private key(id: string, kid: string, c: Ctx): void {
    const key = this.destinations.get(id)?.keys.get(kid);
    if (key === undefined) return c.problem(404, 'key not found');
    c.send(200, key);
  }

  private async create(c: Ctx): Promise<void> {
    if (c.client.role !== 'sender') return c.problem(403, 'not a sender');
    const body = c.body() as {
      destinationId: string;
      announcedAttachments: string[];
      publicService: SimulatedSubmission['publicService'];
      region?: string;
    };
    if (!this.check('createSubmission', c.req, body))
      return c.problem(400, 'request does not match the API description');
    const d = this.destinations.get(body.destinationId);
    if (d === undefined || d.status !== 'active')
      return c.problem(404, 'destination not found or not active');
    const s: SimulatedSubmission = {
      submissionId: randomUUID(),
      caseId: randomUUID(),
      destinationId: d.destinationId,
      announcedAttachments: body.announcedAttachments,
      publicService: body.publicService,
      region: body.region,
      attachments: new Map(),
    };
    this.submissions.set(s.submissionId, s);
    await this.emit(s, EVENT.create);
    c.send(201, { destinationId: s.destinationId, submissionId: s.submissionId, caseId: s.caseId });
  }

  /** A JWE for this destination: RSA-OAEP-256 + A256GCM to its encryption key, `cty` set. */
  private jweProblem(s: SimulatedSubmission, jwe: string, ctys?: string[]): string | undefined {
    let h;
    try {
      h = decodeProtectedHeader(jwe);
    } catch {
      return 'not a JWE';
    }
    if (h.alg !== 'RSA-OAEP-256' || h.enc !== 'A256GCM') return `alg/enc ${h.alg}/${h.enc}`;
    if (h.kid !== this.destinations.get(s.destinationId)?.encryptionKid)
      return `kid ${h.kid} is not the encryption key`;
    if (typeof h.cty !== 'string' || (ctys && !ctys.includes(h.cty))) return `cty ${String(h.cty)}`;
    return undefined;
  }

  private upload(id: string, attachmentId: string, c: Ctx): void {
    const s = this.submissions.get(id);
    if (s === undefined || c.client.role !== 'sender') return c.problem(404, 'submission not found');
    if (!this.check('attachment', c.req, c.raw))
      return c.problem(400, 'request does not match the API description');
    if (!s.announcedAttachments.includes(attachmentId)) return c.problem(404, 'attachment not announced');
    if (s.encryptedData !== undefined) return c.problem(409, 'already submitted');
    const why = this.jweProblem(s, c.raw);
    if (why) return c.problem(422, why);
    s.attachments.set(attachmentId, c.raw);
    c.send(204);
  }

  private async submit(id: string, c: Ctx): Promise<void> {
    const s = this.submissions.get(id);
    if (s === undefined || c.client.role !== 'sender') return c.problem(404, 'submission not found');
    const body = c.body() as { encryptedMetadata: string; encryptedData: string };
    if (!this.check('submitSubmission', c.req, body))
      return c.problem(400, 'request does not match the API description');
    if (s.encryptedData !== undefined) return c.problem(409, 'already submitted');
    const missing = s.announcedAttachments.filter((a) => !s.attachments.has(a));
    if (missing.length > 0) return c.problem(422, `announced attachments missing: ${missing.join(', ')}`);
    const why = [body.encryptedMetadata, body.encryptedData]
      .map((j) => this.jweProblem(s, j, ['application/json', 'application/xml']))
      .find((x) => x !== undefined);
    if (why) return c.problem(422, why);
    s.encryptedMetadata = body.encryptedMetadata;
    s.encryptedData = body.encryptedData;
    await this.emit(s, EVENT.submit);
    c.send(200, { destinationId: s.destinationId, submissionId: s.submissionId, caseId: s.caseId });
  }

  private eventLog(caseId: string, c: Ctx): void {
    const s = [...this.submissions.values()].find((x) => x.caseId === caseId);
    if (s === undefined || !this.mayRead(c.client, s)) return c.problem(404, 'case not found');
    c.send(200, { eventLog: this.events.get(caseId) ?? [] });
  }

  private mayRead(client: Client, s: SimulatedSubmission): boolean {
    return client.role === 'sender' || client.destinations.includes(s.destinationId);
  }

  private list(req: IncomingMessage, c: Ctx): void {
    if (c.client.role !== 'subscriber') return c.problem(403, 'not a subscriber');
    const destinationId = new URL(req.url ?? '/', this.url).searchParams.get('destinationId');
    const open = [...this.submissions.values()].filter(
      (s) =>
        s.encryptedData !== undefined &&
        s.decided === undefined &&
        c.client.destinations.includes(s.destinationId) &&
        (destinationId === null || s.destinationId === destinationId),
    );
    c.send(200, {
      count: open.length,
      offset: 0,
      totalCount: open.length,
      submissions: open.map((s) => ({
        destinationId: s.destinationId,
        submissionId: s.submissionId,
        caseId: s.caseId,
      })),
    });
  }

  private fetch(id: string, c: Ctx): void {
    const s = this.submissions.get(id);
    if (
      s === undefined ||
      c.client.role !== 'subscriber' ||
      !this.mayRead(c.client, s) ||
      s.encryptedData === undefined
    )
      return c.problem(404, 'submission not found');
    c.send(200, {
      destinationId: s.destinationId,
      submissionId: s.submissionId,
      caseId: s.caseId,
      publicService: s.publicService,
      attachments: s.announcedAttachments,
      encryptedMetadata: s.encryptedMetadata,
      encryptedData: s.encryptedData,
    });
  }

  private attachment(id: string, attachmentId: string, c: Ctx): void {
    const s = this.submissions.get(id);
    const jwe = s?.attachments.get(attachmentId);
    if (s === undefined || jwe === undefined || c.client.role !== 'subscriber' || !this.mayRead(c.client, s))
      return c.problem(404, 'attachment not found');
    c.send(200, jwe, { 'content-type': 'application/jose' });
  }

  /** The subscriber's accept or reject: a SET signed with a signature key of its destination. */
  private async postEvent(caseId: string, c: Ctx): Promise<void> {
    const s = [...this.submissions.values()].find((x) => x.caseId === caseId);
    if (s === undefined || c.client.role !== 'subscriber' || !this.mayRead(c.client, s))
      return c.problem(404, 'case not found');
    if (!this.check('event', c.req, c.raw))
      return c.problem(400, 'request does not match the API description');
    const kid = decodeProtectedHeader(c.raw).kid ?? '';
    const key = this.destinations.get(s.destinationId)?.keys.get(kid);
    if (key === undefined || key.alg !== 'PS512') return c.problem(422, 'unknown signature key');
    const { payload } = await compactVerify(
      c.raw,
      await importJWK({ kty: key.kty, n: key.n, e: key.e }, 'PS512'),
    ).catch(() => ({ payload: undefined }));
    if (payload === undefined) return c.problem(422, 'signature does not verify');
    const events = Object.keys(
      (JSON.parse(Buffer.from(payload).toString('utf8')) as { events: object }).events,
    );
    if (events.includes(EVENT.accept)) s.decided = 'accepted';
    else if (events.includes(EVENT.reject)) s.decided = 'rejected';
    this.appendEvent(caseId, c.raw);
    c.send(204);
  }
}

interface Ctx {
  req: IncomingMessage;
  raw: string;
  body(): unknown;
  send(status: number, body?: unknown, type?: Record<string, string>): void;
  problem(status: number, title: string): void;
  client: Client;
}
