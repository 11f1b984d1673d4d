import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A payment provider for the demo and for tests: a real HTTP server that speaks the XBezahldienste REST
 * interface (`/paymenttransaction/{originatorId}/{endPointId}`, OAuth2 client credentials optional) and the
 * classic pmPayment form interface (`/payment/secure`, `/payment/status/{ags}/{txid}`), with a small pay
 * page whose buttons settle, fail or cancel, and a JSON control API for tests (`/control/...`).
 *
 * Like a real provider it keeps the state, sends the browser back to the redirect URL and may notify, but
 * the notification is unsigned: a service must confirm with a status query.
 */

export type SimulatedStatus = 'INITIAL' | 'PAYED' | 'FAILED' | 'CANCELED';

export interface SimulatedTransaction {
  transactionId: string;
  interface: 'xbezahldienste' | 'pmpayment-classic';
  originatorId?: string;
  endPointId?: string;
  ags?: string;
  procedure?: string;
  requestId: string;
  amountCents: number;
  purpose: string;
  description: string;
  redirectUrl: string;
  notifyUrl?: string;
  reference: string;
  status: SimulatedStatus;
  paymentMethod?: string;
  createdAt: string;
  /** The request body as received (for assertions on what a service sent). */
  request: Record<string, unknown>;
  notificationsSent: number;
}

export interface PmPaymentAccount {
  ags: string;
  procedure: string;
  /** The HMAC-SHA256 key of the procedure. */
  salt: string;
}

export interface PaymentSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Base URL in the links the simulator hands out (default `http://<host>:<port>`). */
  publicUrl?: string;
  /** When set, the XBezahldienste API demands a bearer token from `POST /oauth/token` for this client. */
  client?: { clientId: string; clientSecret: string };
  /** pmPayment procedures the classic interface accepts (their salt checks the request hash). */
  pmPayment?: PmPaymentAccount[];
  /** Seconds an issued access token is valid (default 300). */
  tokenTtlSeconds?: number;
}

export interface CompleteOptions {
  /** Also POST a notification to the transaction's notify URL (default true). */
  notify?: boolean;
  /** Reported method once paid (default CREDITCARD). */
  paymentMethod?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  at: string;
}

export interface PaymentSimulator {
  readonly url: string;
  readonly port: number;
  /** Every API request received (method and path without query), oldest first. */
  readonly requests: readonly RecordedRequest[];
  transactions(): SimulatedTransaction[];
  transaction(transactionId: string): SimulatedTransaction | undefined;
  /** What the pay page buttons do: change the status (only from INITIAL) and, by default, notify. */
  complete(
    transactionId: string,
    status: Exclude<SimulatedStatus, 'INITIAL'>,
    opts?: CompleteOptions,
  ): Promise<void>;
  /** While on, every provider API call answers 503 (the pay page too). */
  setOutage(down: boolean): void;
  /** The next creation request is refused with this status and problem code. */
  failNextCreate(answer: { status: number; code: string }): void;
  reset(): void;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly invalidParams?: Array<{ name: string; reason: string }>,
  ) {
    super(message);
  }
}

function problem(res: ServerResponse, err: HttpError): void {
  const body = {
    type: `https://simulator.amtsbote.invalid/problems/${err.code}`,
    title: err.message,
    status: err.status,
    errorCode: err.code,
    ...(err.invalidParams ? { invalidParams: err.invalidParams } : {}),
  };
  res.writeHead(err.status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify(body));
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'VALIDATION_ERROR', 'body is not a JSON object');
  }
}

/** Euros (JSON number) → cents, exactly; undefined if not a whole number of cents. */
function cents(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  const c = Math.round(value * 100);
  return Math.abs(c - value * 100) < 1e-6 ? c : undefined;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function euros(amountCents: number): string {
  return `${Math.floor(amountCents / 100)},${String(amountCents % 100).padStart(2, '0')} €`;
}

/** pmPayment classic: HMAC-SHA256 over the sent fields in their fixed order, joined by `|`. */
const PM_FIELDS = [
  'ags',
  'amount',
  'procedure',
  'desc',
  'accountingRecord',
  'txid',
  'notifyURL',
  'redirectURL',
];

function pmHash(fields: Record<string, unknown>, salt: string): string {
  const input = PM_FIELDS.filter((f) => typeof fields[f] === 'string')
    .map((f) => fields[f] as string)
    .join('|');
  return createHmac('sha256', salt).update(input, 'utf8').digest('hex');
}

/** Validates an XBezahldienste PaymentRequest the way a provider does. */
function validatePaymentRequest(body: Record<string, unknown>): {
  requestId: string;
  amountCents: number;
  purpose: string;
  description: string;
  redirectUrl: string;
  notifyUrl?: string;
} {
  const invalid: Array<{ name: string; reason: string }> = [];
  const str = (name: string, max: number, pattern?: RegExp, required = true): string => {
    const v = body[name];
    if (v === undefined && !required) return '';
    if (typeof v !== 'string' || (required && v === '')) invalid.push({ name, reason: 'required string' });
    else if ([...v].length > max) invalid.push({ name, reason: `at most ${max} characters` });
    else if (pattern && !pattern.test(v)) invalid.push({ name, reason: `must match ${String(pattern)}` });
    return typeof v === 'string' ? v : '';
  };
  const requestId = str('requestId', 36, /^[\w-]+$/);
  const purpose = str('purpose', 27, /^[\w\d\s-]*$/);
  const description = str('description', 250, undefined, false);
  if (body.currency !== 'EUR') invalid.push({ name: 'currency', reason: 'only EUR' });
  if (!isHttpUrl(body.redirectUrl)) invalid.push({ name: 'redirectUrl', reason: 'http(s) URL required' });
  if (body.notifyUrl !== undefined && !isHttpUrl(body.notifyUrl)) {
    invalid.push({ name: 'notifyUrl', reason: 'http(s) URL' });
  }
  const gross = cents(body.grosAmount);
  if (gross === undefined || gross <= 0)
    invalid.push({ name: 'grosAmount', reason: 'positive amount in euros' });
  const items = Array.isArray(body.items) ? (body.items as unknown[]) : [];
  if (items.length === 0) invalid.push({ name: 'items', reason: 'at least one item' });
  let sum = 0;
  items.forEach((raw, i) => {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const net = cents(item.totalNetAmount);
    const tax = cents(item.totalTaxAmount ?? 0);
    if (net === undefined || tax === undefined)
      invalid.push({ name: `items[${i}].totalNetAmount`, reason: 'amount' });
    else sum += net + tax;
    if (item.id !== undefined && (typeof item.id !== 'string' || !/^[\w-]{1,36}$/.test(item.id))) {
      invalid.push({ name: `items[${i}].id`, reason: 'at most 36 of [A-Za-z0-9_-]' });
    }
    if (
      item.reference !== undefined &&
      (typeof item.reference !== 'string' || !/^[\w-]{0,36}$/.test(item.reference))
    ) {
      invalid.push({ name: `items[${i}].reference`, reason: 'at most 36 of [A-Za-z0-9_-]' });
    }
    if (typeof item.description === 'string' && [...item.description].length > 250) {
      invalid.push({ name: `items[${i}].description`, reason: 'at most 250 characters' });
    }
  });
  if (gross !== undefined && items.length > 0 && sum !== gross) {
    invalid.push({ name: 'grosAmount', reason: 'must equal the sum of the items' });
  }
  if (invalid.length > 0)
    throw new HttpError(400, 'VALIDATION_ERROR', 'the payment request is invalid', invalid);
  return {
    requestId,
    amountCents: gross ?? 0,
    purpose,
    description,
    redirectUrl: body.redirectUrl as string,
    notifyUrl: typeof body.notifyUrl === 'string' ? body.notifyUrl : undefined,
  };
}

export async function startPaymentSimulator(
  options: PaymentSimulatorOptions = {},
): Promise<PaymentSimulator> {
  const host = options.host ?? '127.0.0.1';
  const txs = new Map<string, SimulatedTransaction>();
  const tokens = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  let outage = false;
  let nextCreateFailure: { status: number; code: string } | undefined;
  let base = '';

  const paymentTransaction = (t: SimulatedTransaction) => ({
    paymentRequest: t.request,
    paymentInformation: {
      transactionId: t.transactionId,
      transactionUrl: `${base}/paymenttransaction/${t.originatorId ?? ''}/${t.endPointId ?? ''}/${t.transactionId}`,
      transactionRedirectUrl: `${base}/pay/${t.transactionId}`,
      transactionReference: t.reference,
      transactionTimestamp: t.createdAt,
      status: t.status,
      ...(t.status === 'PAYED'
        ? { paymentMethod: t.paymentMethod ?? 'CREDITCARD', paymentMethodDetail: 'VISA' }
        : {}),
      ...(t.status === 'FAILED' ? { statusDetail: 'Zahlung vom Kartenaussteller abgelehnt' } : {}),
      ...(t.status === 'CANCELED' ? { statusDetail: 'Zahlung abgebrochen' } : {}),
    },
  });

  const notify = async (t: SimulatedTransaction): Promise<void> => {
    if (!t.notifyUrl) return;
    t.notificationsSent += 1;
    const pm = t.interface === 'pmpayment-classic';
    const body = pm
      ? new URLSearchParams({
          ags: t.ags ?? '',
          txid: t.transactionId,
          amount: String(t.amountCents),
          desc: t.purpose,
          status: t.status === 'PAYED' ? '1' : '0',
          payment_method: (t.paymentMethod ?? 'creditcard').toLowerCase(),
          procedure: t.procedure ?? '',
          created_at: t.createdAt.replace('T', ' ').slice(0, 19),
        }).toString()
      : JSON.stringify({ transactionId: t.transactionId, status: t.status });
    try {
      await fetch(t.notifyUrl, {
        method: 'POST',
        headers: { 'content-type': pm ? 'application/x-www-form-urlencoded' : 'application/json' },
        body,
        signal: AbortSignal.timeout(5000),
      });
    } catch {
      // A provider does not care whether the merchant listened.
    }
  };

  const complete = async (
    transactionId: string,
    status: Exclude<SimulatedStatus, 'INITIAL'>,
    opts: CompleteOptions = {},
  ): Promise<void> => {
    const t = txs.get(transactionId);
    if (!t) throw new HttpError(404, 'NOT_FOUND', 'no such transaction');
    if (t.status !== 'INITIAL') throw new HttpError(409, 'ALREADY_COMPLETED', `transaction is ${t.status}`);
    t.status = status;
    if (status === 'PAYED') t.paymentMethod = opts.paymentMethod ?? 'CREDITCARD';
    if (opts.notify ?? true) await notify(t);
  };

  const requireToken = (req: IncomingMessage): void => {
    if (!options.client) return;
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const expiry = match?.[1] ? tokens.get(match[1]) : undefined;
    if (expiry === undefined || expiry < Date.now()) {
      throw new HttpError(401, 'UNAUTHORIZED', 'a valid bearer token is required');
    }
  };

  const payPage = (t: SimulatedTransaction): string => `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Bezahlen – Simulator</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:3rem auto}button{margin:.3rem;padding:.6rem 1rem}</style>
</head><body>
<h1>Zahlungs-Simulator</h1>
<p>Keine echte Zahlung – Testumgebung. / No real payment – test environment.</p>
<dl><dt>Verwendungszweck</dt><dd>${escapeHtml(t.purpose)}</dd>
<dt>Beschreibung</dt><dd>${escapeHtml(t.description)}</dd>
<dt>Betrag</dt><dd id="amount">${escapeHtml(euros(t.amountCents))}</dd>
<dt>Status</dt><dd id="status">${t.status}</dd></dl>
${
  t.status === 'INITIAL'
    ? `<form method="post" action="/pay/${t.transactionId}/settle"><button type="submit">Bezahlen</button></form>
<form method="post" action="/pay/${t.transactionId}/fail"><button type="submit">Zahlung fehlschlagen lassen</button></form>
<form method="post" action="/pay/${t.transactionId}/cancel"><button type="submit">Abbrechen</button></form>`
    : `<p><a href="${escapeHtml(t.redirectUrl)}">Zurück zum Dienst</a></p>`
}
</body></html>`;

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const parts = path
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);

    if (path === '/health') return sendJson(res, 200, { status: 'ok' });

    // Control API for tests: never affected by the simulated outage.
    if (parts[0] === 'control') {
      if (method === 'GET' && parts[1] === 'transactions' && parts.length === 2) {
        return sendJson(res, 200, [...txs.values()]);
      }
      if (method === 'GET' && parts[1] === 'transactions' && parts[2]) {
        const t = txs.get(parts[2]);
        return t
          ? sendJson(res, 200, t)
          : problem(res, new HttpError(404, 'NOT_FOUND', 'no such transaction'));
      }
      const body = method === 'POST' ? await readBody(req) : {};
      if (method === 'POST' && parts[1] === 'transactions' && parts[2] && parts[3] === 'complete') {
        const status = body.status;
        if (status !== 'PAYED' && status !== 'FAILED' && status !== 'CANCELED') {
          throw new HttpError(400, 'VALIDATION_ERROR', 'status must be PAYED, FAILED or CANCELED');
        }
        await complete(parts[2], status, {
          notify: body.notify !== false,
          paymentMethod: typeof body.paymentMethod === 'string' ? body.paymentMethod : undefined,
        });
        return sendJson(res, 200, txs.get(parts[2]));
      }
      if (method === 'POST' && parts[1] === 'outage') {
        outage = body.down === true;
        return sendJson(res, 200, { down: outage });
      }
      if (method === 'POST' && parts[1] === 'fail-next-create') {
        nextCreateFailure = {
          status: typeof body.status === 'number' ? body.status : 400,
          code: typeof body.code === 'string' ? body.code : 'VALIDATION_ERROR',
        };
        return sendJson(res, 200, nextCreateFailure);
      }
      if (method === 'POST' && parts[1] === 'reset') {
        txs.clear();
        outage = false;
        nextCreateFailure = undefined;
        return sendJson(res, 200, {});
      }
      throw new HttpError(404, 'NOT_FOUND', 'unknown control endpoint');
    }

    requests.push({ method, path, at: new Date().toISOString() });
    if (outage) throw new HttpError(503, 'SERVICE_UNAVAILABLE', 'the provider is down (simulated)');

    // OAuth2 client credentials (RFC 6749 §4.4), client authentication by HTTP Basic.
    if (method === 'POST' && path === '/oauth/token') {
      const body = await readBody(req);
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [id, secret] = basic
        ? Buffer.from(basic, 'base64')
            .toString('utf8')
            .split(':')
            .map((s) => decodeURIComponent(s))
        : [body.client_id, body.client_secret];
      if (body.grant_type !== 'client_credentials') {
        return sendJson(res, 400, { error: 'unsupported_grant_type' });
      }
      if (!options.client || id !== options.client.clientId || secret !== options.client.clientSecret) {
        return sendJson(res, 401, { error: 'invalid_client' });
      }
      const token = randomBytes(24).toString('base64url');
      const ttl = options.tokenTtlSeconds ?? 300;
      tokens.set(token, Date.now() + ttl * 1000);
      return sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: ttl });
    }

    // XBezahldienste: create.
    if (method === 'POST' && parts[0] === 'paymenttransaction' && parts.length === 3) {
      requireToken(req);
      const body = await readBody(req);
      if (nextCreateFailure) {
        const f = nextCreateFailure;
        nextCreateFailure = undefined;
        throw new HttpError(f.status, f.code, `refused (simulated ${f.code})`);
      }
      const valid = validatePaymentRequest(body);
      const [, originatorId, endPointId] = parts;
      const exists = [...txs.values()].some(
        (t) =>
          t.originatorId === originatorId && t.endPointId === endPointId && t.requestId === valid.requestId,
      );
      if (exists) throw new HttpError(409, 'PAYMENT_EXISTS', 'a transaction with this requestId exists');
      const t: SimulatedTransaction = {
        transactionId: randomUUID(),
        interface: 'xbezahldienste',
        originatorId,
        endPointId,
        ...valid,
        reference: `SIM-${randomBytes(6).toString('hex').toUpperCase()}`,
        status: 'INITIAL',
        createdAt: new Date().toISOString(),
        request: body,
        notificationsSent: 0,
      };
      txs.set(t.transactionId, t);
      const view = paymentTransaction(t);
      return sendJson(res, 201, view, { location: view.paymentInformation.transactionUrl });
    }

    // XBezahldienste: status.
    if (method === 'GET' && parts[0] === 'paymenttransaction' && parts.length === 4) {
      requireToken(req);
      const t = txs.get(parts[3] ?? '');
      if (!t || t.originatorId !== parts[1] || t.endPointId !== parts[2]) {
        throw new HttpError(404, 'NOT_FOUND', 'no such transaction');
      }
      return sendJson(res, 200, paymentTransaction(t));
    }

    // pmPayment classic: create (signed form POST).
    if (method === 'POST' && path === '/payment/secure') {
      const body = await readBody(req);
      const account = (options.pmPayment ?? []).find(
        (a) => a.ags === body.ags && a.procedure === body.procedure,
      );
      if (!account) return sendJson(res, 400, { Error: 'unknown ags/procedure' });
      const given = typeof body.hash === 'string' ? Buffer.from(body.hash) : Buffer.alloc(0);
      const expected = Buffer.from(pmHash(body, account.salt));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return sendJson(res, 400, { Error: 'hash mismatch' });
      }
      const amount = Number(body.amount);
      if (!Number.isSafeInteger(amount) || amount <= 0)
        return sendJson(res, 400, { Error: 'invalid amount' });
      if (typeof body.desc !== 'string' || !/^[A-Za-z0-9':?,\-(+.)/ ]{1,27}$/.test(body.desc)) {
        return sendJson(res, 400, { Error: 'invalid desc' });
      }
      const txid = typeof body.txid === 'string' && body.txid !== '' ? body.txid : randomUUID();
      if (txs.has(txid)) return sendJson(res, 400, { Error: 'txid exists' });
      const t: SimulatedTransaction = {
        transactionId: txid,
        interface: 'pmpayment-classic',
        ags: account.ags,
        procedure: account.procedure,
        requestId: txid,
        amountCents: amount,
        purpose: body.desc,
        description: body.desc,
        redirectUrl: typeof body.redirectURL === 'string' ? body.redirectURL : '',
        notifyUrl: typeof body.notifyURL === 'string' ? body.notifyURL : undefined,
        reference: txid,
        status: 'INITIAL',
        createdAt: new Date().toISOString(),
        request: body,
        notificationsSent: 0,
      };
      txs.set(txid, t);
      return sendJson(res, 200, { url: `${base}/pay/${encodeURIComponent(txid)}`, txid });
    }

    // pmPayment classic: status (1 paid, 0 failed or cancelled, -1 in progress).
    if (method === 'GET' && parts[0] === 'payment' && parts[1] === 'status' && parts.length === 4) {
      const t = txs.get(parts[3] ?? '');
      if (!t || t.ags !== parts[2]) return sendJson(res, 404, { Error: 'unknown transaction' });
      const status = t.status === 'PAYED' ? '1' : t.status === 'INITIAL' ? '-1' : '0';
      return sendJson(res, 200, {
        status,
        txid: t.transactionId,
        amount: String(t.amountCents),
        timestamp: t.createdAt.replace('T', ' ').slice(0, 19),
        ...(t.status === 'PAYED' ? { payment_method: (t.paymentMethod ?? 'creditcard').toLowerCase() } : {}),
      });
    }

    // The pay page and its buttons.
    if (parts[0] === 'pay' && parts[1]) {
      const t = txs.get(parts[1]);
      if (!t) throw new HttpError(404, 'NOT_FOUND', 'no such transaction');
      if (method === 'GET' && parts.length === 2) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(payPage(t));
        return;
      }
      const actions = { settle: 'PAYED', fail: 'FAILED', cancel: 'CANCELED' } as const;
      const action = parts[2] as keyof typeof actions | undefined;
      if (method === 'POST' && action && action in actions) {
        await readBody(req);
        await complete(t.transactionId, actions[action]);
        res.writeHead(303, { location: t.redirectUrl });
        res.end();
        return;
      }
    }
    throw new HttpError(404, 'NOT_FOUND', 'no such endpoint');
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) res.end();
      else
        problem(
          res,
          err instanceof HttpError ? err : new HttpError(500, 'INTERNAL_ERROR', 'simulator error'),
        );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = (options.publicUrl ?? `http://${host}:${port}`).replace(/\/+$/, '');

  return {
    url: base,
    port,
    requests,
    transactions: () => [...txs.values()],
    transaction: (id) => txs.get(id),
    complete,
    setOutage: (down) => {
      outage = down;
    },
    failNextCreate: (answer) => {
      nextCreateFailure = answer;
    },
    reset: () => {
      txs.clear();
      tokens.clear();
      requests.length = 0;
      outage = false;
      nextCreateFailure = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
