/**
 * The citizen journey of issue 9 as reusable steps, shared by `npm run demo` (test/demo/demo.ts) and the
 * journey test (demo-journey.e2e-spec.ts): admins seed the catalog, fee, destination and route through the
 * real APIs, then anna applies for a Bewohnerparkausweis, pays, and reads the Bescheid in her Postkorb.
 * Everything goes over HTTP to the four services and the two simulators; every call that answers
 * unexpectedly throws an Error naming the call, its status and the start of its answer.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, minimalPdf, mintToken, repoRoot } from '@amtsbote/testing';

export const DEMO = {
  tenant: 'hb',
  leikaKey: '99058012261000',
  /** The applicant's municipality: Stadt Bremen. */
  ars: '040110000000',
  /** Where the Leistung, the fee and the route apply. */
  region: '04011',
  destinationId: 'hb-bewohnerparken',
  /** The same Fachverfahren's successor that receives over FIT-Connect (the demo's second walk). */
  fitConnectDestinationId: 'hb-bewohnerparken-fc',
  feeCents: 3000,
  schemaFile: join(repoRoot(), 'test', 'demo', 'data', 'bewohnerparkausweis.xdf2.xml'),
} as const;

/** Where the journey finds everything (base URLs without trailing slash). */
export interface JourneyTargets {
  issuer: string;
  intake: string;
  accounts: string;
  payment: string;
  routing: string;
  /** The payment provider simulator. */
  paymentSimulator: string;
  /** The Fachverfahren simulator (push endpoint `/inbox`, control `/_sim/*`). */
  fachverfahren: string;
  /** HMAC secret of the destination; the Fachverfahren simulator must have the same. */
  destinationSecret: string;
  /** Upper bound for each asynchronous wait (ms). */
  waitMs?: number;
}

export interface StepRecord {
  name: string;
  ms: number;
  detail: string;
}

export type Trail = (line: string) => void;

export interface JourneyResult {
  submissionId: string;
  vorgangsnummer: string;
  transactionId: string;
  /** The provider's pay page of this transaction. */
  payPage: string;
  messageId: string;
  /** intake's status timeline (oldest first) with ms since the submission. */
  intakeTimeline: Array<{ status: string; atMs: number }>;
  /** The Postkorb timeline (oldest first): citizen status and title. */
  postkorbTimeline: Array<{ kind: string; status: string | null; title: string }>;
  postkorbStatus: string | null;
  postkorbOutcome: string | null;
  bescheid: { messageId: string; subject: string; filename: string; mediaType: string; bytes: number };
  fachverfahren: { format: string; valid: boolean; checked: string[] };
  submitToDeliveredMs: number;
  submitToCompletedMs: number;
  steps: StepRecord[];
}

// ---- HTTP ---------------------------------------------------------------------------------------------

interface Call {
  token?: string;
  json?: unknown;
  body?: Buffer | FormData | string;
  headers?: Record<string, string>;
  /** Accepted statuses; default any 2xx. */
  expect?: number[];
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
  raw: Buffer;
}

export async function http<T = Record<string, unknown>>(
  method: string,
  url: string,
  c: Call = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  if (c.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: c.json !== undefined ? JSON.stringify(c.json) : c.body,
    redirect: 'manual',
  });
  const raw = Buffer.from(await res.arrayBuffer());
  const ok = c.expect ? c.expect.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!ok) {
    const path = new URL(url).pathname;
    throw new Error(
      `${method} ${path} answered ${res.status} (expected ${c.expect?.join('/') ?? '2xx'}): ${raw.toString('utf8').slice(0, 600)}`,
    );
  }
  let body: unknown = undefined;
  if ((res.headers.get('content-type') ?? '').includes('json') && raw.length > 0) {
    body = JSON.parse(raw.toString('utf8'));
  }
  return { status: res.status, headers: res.headers, body: body as T, raw };
}

// ---- building blocks --------------------------------------------------------------------------------
// Single calls and waits the journeys share; each throws on an unexpected answer like `http`.

/** Who calls: a bearer token and/or headers such as `X-Act-For`, `X-Draft-Token` or `X-Receipt-Token`. */
export interface Caller {
  token?: string;
  headers?: Record<string, string>;
}

export interface AttachmentRef {
  attachmentId: string;
  filename: string;
  mediaType: string;
  size: number;
}

export interface IntakeStatus {
  status: string;
  submittedAt: string;
  timeline: Array<{
    status: string;
    previousStatus: string | null;
    at: string;
    reason?: { code: string; de: string; en: string };
  }>;
}

export interface PostkorbTimeline {
  status: string | null;
  outcome: string | null;
  actedByKey: string | null;
  entries: Array<{
    at: string;
    kind: string;
    status: string | null;
    outcome: string | null;
    title: { de: string; en: string };
    messageId: string | null;
  }>;
}

export interface PostkorbMessage {
  id: string;
  subject: string;
  body: string;
  category: string;
  status: string | null;
  outcome: string | null;
  attachments: Array<{ id: string; filename: string; mediaType: string; state: string }>;
}

export interface Payment {
  state: string;
  required: boolean;
  transactionId?: string;
  amountCents?: number;
  redirectUrl?: string;
  paymentMethod?: string;
}

export interface RoutingMessage {
  messageId: string;
  kind: string;
  submissionId: string;
  destinationId: string;
  format: string;
  channel: string;
  state: string;
  attempts: number;
  deliveredAt: string | null;
  lastError: string | null;
}

/** intake's timeline of a paid application the Fachverfahren completed. */
export const PAID_AND_COMPLETED = [
  'SUBMITTED',
  'AWAITING_PAYMENT',
  'READY',
  'ROUTED',
  'DELIVERED',
  'RECEIVED',
  'PROCESSING',
  'COMPLETED',
] as const;

export const DELIVERED_OR_LATER = ['DELIVERED', 'RECEIVED', 'PROCESSING', 'ACTION_REQUIRED', 'COMPLETED'];

const withCaller = (c: Caller, more: Record<string, string> = {}) => ({
  token: c.token,
  headers: { ...c.headers, ...more },
});

/** Uploads a FIM schema (XML) to intake's catalog; an identical version already there is fine. */
export async function uploadFimSchema(
  t: JourneyTargets,
  catalogAdmin: string,
  xml: Buffer | string,
): Promise<Answer<{ schemaId: string; version: string; name: string }>> {
  return http('POST', `${t.intake}/admin/fim-schemas`, {
    token: catalogAdmin,
    headers: { 'content-type': 'application/xml' },
    body: xml,
    expect: [200, 201],
  });
}

/** Creates the fee of a Leistung and region, or updates the one there is. */
export async function ensureFee(
  t: JourneyTargets,
  paymentAdmin: string,
  tenant: string,
  fee: {
    leikaKey: string;
    arsPrefix: string | null;
    amountCents: number;
    purpose: string;
    description?: string;
  },
): Promise<{ id: string }> {
  const fees = await http<Array<{ id: string; leikaKey: string; arsPrefix: string | null }>>(
    'GET',
    `${t.payment}/admin/tenants/${tenant}/fees`,
    { token: paymentAdmin },
  );
  const existing = fees.body.find((f) => f.leikaKey === fee.leikaKey && f.arsPrefix === fee.arsPrefix);
  const r = existing
    ? await http<{ id: string }>('PUT', `${t.payment}/admin/tenants/${tenant}/fees/${existing.id}`, {
        token: paymentAdmin,
        json: fee,
      })
    : await http<{ id: string }>('POST', `${t.payment}/admin/tenants/${tenant}/fees`, {
        token: paymentAdmin,
        json: fee,
      });
  return r.body;
}

/**
 * Registers a destination with the journey's HMAC secret, or brings an existing one to these settings and
 * that secret (the Fachverfahren simulator must hold the same).
 */
export async function ensureDestination(
  t: JourneyTargets,
  routingAdmin: string,
  destination: { id: string } & Record<string, unknown>,
): Promise<'registered' | 'updated'> {
  const { id, ...settings } = destination;
  const created = await http('POST', `${t.routing}/destinations`, {
    token: routingAdmin,
    json: { ...destination, secret: t.destinationSecret },
    expect: [201, 409],
  });
  if (created.status === 201) return 'registered';
  await http('PATCH', `${t.routing}/destinations/${id}`, { token: routingAdmin, json: settings });
  await http('POST', `${t.routing}/destinations/${id}/secret`, {
    token: routingAdmin,
    json: { secret: t.destinationSecret },
  });
  return 'updated';
}

/** Uploads a PDF into a draft; the answer is what goes into the form's file field. */
export async function uploadPdf(
  t: JourneyTargets,
  caller: Caller,
  draftId: string,
  filename: string,
  text: string,
): Promise<AttachmentRef> {
  const body = new FormData();
  body.append('file', new Blob([minimalPdf(text)], { type: 'application/pdf' }), filename);
  const r = await http<AttachmentRef>('POST', `${t.intake}/drafts/${draftId}/attachments`, {
    ...withCaller(caller),
    body,
    expect: [201],
  });
  return r.body;
}

/** `POST /submissions` with a fresh Idempotency-Key; 201 expected. */
export async function submitApplication(
  t: JourneyTargets,
  caller: Caller,
  application: { tenant: string; leikaKey: string; ars: string; data: unknown; draftId?: string },
): Promise<{ submissionId: string; vorgangsnummer: string; status: string; receiptToken?: string }> {
  const r = await http<{
    submissionId: string;
    vorgangsnummer: string;
    status: string;
    receiptToken?: string;
  }>('POST', `${t.intake}/submissions`, {
    ...withCaller(caller, { 'idempotency-key': randomUUID() }),
    json: application,
    expect: [201],
  });
  return r.body;
}

/**
 * `POST /drafts` for a Leistung (the demo's by default); `inDraft` is the caller to use on the draft — an
 * anonymous draft's access token travels with it.
 */
export async function openDraft(
  t: JourneyTargets,
  caller: Caller,
  where: { tenant: string; leikaKey: string; ars: string } = DEMO,
): Promise<{ draftId: string; inDraft: Caller }> {
  const draft = await http<{ draftId: string; accessToken?: string }>('POST', `${t.intake}/drafts`, {
    ...withCaller(caller),
    json: { tenant: where.tenant, leikaKey: where.leikaKey, ars: where.ars },
    expect: [201],
  });
  const inDraft: Caller = draft.body.accessToken
    ? { ...caller, headers: { ...caller.headers, 'x-draft-token': draft.body.accessToken } }
    : caller;
  return { draftId: draft.body.draftId, inDraft };
}

/**
 * A Bewohnerparkausweis application as a portal sends it (the demo's FIM schema): draft, proof of residence,
 * submit. `where` names another Leistung or tenant using the same schema. An anonymous draft's access token
 * is carried on to upload and submit.
 */
export async function applyForParkingPermit(
  t: JourneyTargets,
  caller: Caller,
  where: { tenant: string; leikaKey: string; ars: string } = DEMO,
): Promise<{ submissionId: string; vorgangsnummer: string; status: string; receiptToken?: string }> {
  const { draftId, inDraft } = await openDraft(t, caller, where);
  const proof = await uploadPdf(t, inDraft, draftId, 'meldebescheinigung.pdf', 'Meldebescheinigung');
  return submitApplication(t, inDraft, {
    tenant: where.tenant,
    leikaKey: where.leikaKey,
    ars: where.ars,
    data: formData(proof),
    draftId,
  });
}

/** intake's status of a submission as the caller sees it. */
export async function intakeStatus(
  t: JourneyTargets,
  caller: Caller,
  submissionId: string,
): Promise<IntakeStatus> {
  return (
    await http<IntakeStatus>('GET', `${t.intake}/submissions/${submissionId}/status`, withCaller(caller))
  ).body;
}

/** Waits until intake shows the submission in one of `statuses`. */
export async function awaitIntakeStatus(
  t: JourneyTargets,
  caller: Caller,
  submissionId: string,
  statuses: readonly string[],
): Promise<IntakeStatus> {
  let last = 'nothing yet';
  try {
    return await eventually(
      async () => {
        const s = await intakeStatus(t, caller, submissionId);
        last = s.timeline.map((e) => e.status).join(' → ');
        return statuses.includes(s.status) ? s : undefined;
      },
      { timeoutMs: t.waitMs ?? 60_000, what: `intake to show ${statuses.join('/')}` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (intake last showed ${last})`);
  }
}

/**
 * Waits until payment knows the submission and opens its payment at the provider (idempotent); the
 * answer carries the pay page as `redirectUrl`.
 */
export async function openPayment(t: JourneyTargets, caller: Caller, submissionId: string): Promise<Payment> {
  return eventually(
    async () => {
      const r = await http<Payment>('POST', `${t.payment}/submissions/${submissionId}/payment`, {
        ...withCaller(caller),
        json: {},
        expect: [200, 201, 404],
      });
      return r.status === 404 ? undefined : r.body;
    },
    { timeoutMs: t.waitMs ?? 60_000, what: 'payment to know the submission' },
  );
}

/**
 * Presses a button on the simulator's pay page (Bezahlen, Zahlung fehlschlagen lassen, Abbrechen) and
 * follows the browser back to the payment service, which asks the provider; returns the return URL.
 */
export async function finishAtPayPage(
  payPage: string,
  action: 'settle' | 'fail' | 'cancel',
): Promise<string> {
  const page = await http('GET', payPage, { expect: [200] });
  if (!page.raw.toString('utf8').includes('Bezahlen')) throw new Error('the pay page has no pay button');
  const done = await http('POST', `${payPage}/${action}`, { expect: [303] });
  const location = done.headers.get('location');
  if (!location) throw new Error('the pay page did not send the browser back');
  await http('GET', location, { expect: [200, 303] });
  return location;
}

/** Waits until payment shows the submission's payment in `state`. */
export async function awaitPaymentState(
  t: JourneyTargets,
  caller: Caller,
  submissionId: string,
  state: string,
): Promise<Payment> {
  return eventually(
    async () => {
      const r = await http<Payment>(
        'GET',
        `${t.payment}/submissions/${submissionId}/payment`,
        withCaller(caller),
      );
      return r.body.state === state ? r.body : undefined;
    },
    { timeoutMs: t.waitMs ?? 60_000, what: `the payment to be ${state}` },
  );
}

/** Waits until the Postkorb timeline of a submission satisfies `until` (the caller's Postkorb). */
export async function awaitPostkorbTimeline(
  t: JourneyTargets,
  caller: Caller,
  submissionId: string,
  until: (tl: PostkorbTimeline) => boolean,
  what = 'the Postkorb timeline',
): Promise<PostkorbTimeline> {
  let last = 'nothing yet';
  try {
    return await eventually(
      async () => {
        const r = await http<PostkorbTimeline>(
          'GET',
          `${t.accounts}/postkorb/submissions/${submissionId}/timeline`,
          { ...withCaller(caller), expect: [200, 404] },
        );
        last =
          r.status === 200 ? `${r.body.status} after ${r.body.entries.map((e) => e.kind).join(', ')}` : '404';
        return r.status === 200 && until(r.body) ? r.body : undefined;
      },
      { timeoutMs: t.waitMs ?? 60_000, what },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (Postkorb last showed: ${last})`);
  }
}

/** The Postkorb messages of a submission in the caller's Postkorb (newest first), each read in full. */
export async function postkorbMessages(
  t: JourneyTargets,
  caller: Caller,
  submissionId: string,
): Promise<PostkorbMessage[]> {
  const list = await http<{ items: Array<{ id: string }> }>(
    'GET',
    `${t.accounts}/postkorb/messages?submissionId=${submissionId}&limit=100`,
    withCaller(caller),
  );
  const out: PostkorbMessage[] = [];
  for (const item of list.body.items) {
    out.push(
      (await http<PostkorbMessage>('GET', `${t.accounts}/postkorb/messages/${item.id}`, withCaller(caller)))
        .body,
    );
  }
  return out;
}

/** Waits for the Bescheid of a submission in the caller's Postkorb, with its attachments stored. */
export async function awaitBescheid(
  t: JourneyTargets,
  caller: Caller,
  submissionId: string,
): Promise<PostkorbMessage> {
  return eventually(
    async () => {
      const list = await http<{ items: Array<{ id: string; subject: string; attachmentCount: number }> }>(
        'GET',
        `${t.accounts}/postkorb/messages?submissionId=${submissionId}&category=notice`,
        withCaller(caller),
      );
      const notice = list.body.items.find((m) => m.subject.startsWith('Bescheid') && m.attachmentCount > 0);
      if (!notice) return undefined;
      const m = await http<PostkorbMessage>(
        'GET',
        `${t.accounts}/postkorb/messages/${notice.id}`,
        withCaller(caller),
      );
      return m.body.attachments.every((a) => a.state === 'stored') ? m.body : undefined;
    },
    { timeoutMs: t.waitMs ?? 60_000, what: 'the Bescheid with its attachment in the Postkorb' },
  );
}

/** routing's messages of a submission, as an operator of the tenant sees them. */
export async function routingMessages(
  t: JourneyTargets,
  routingAdmin: string,
  submissionId: string,
): Promise<RoutingMessage[]> {
  return (
    await http<RoutingMessage[]>('GET', `${t.routing}/messages?submissionId=${submissionId}`, {
      token: routingAdmin,
    })
  ).body;
}

// ---- steps --------------------------------------------------------------------------------------------

class Steps {
  readonly records: StepRecord[] = [];
  /** What the step last saw, added to its error. */
  context?: () => string;
  constructor(private readonly trail: Trail) {}

  async run<T>(name: string, fn: () => Promise<T>, describe: (v: T) => string): Promise<T> {
    const t0 = performance.now();
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      const more = this.context?.() ?? '';
      throw new Error(
        `step "${name}" failed: ${err instanceof Error ? err.message : String(err)}${more ? ` (${more})` : ''}`,
      );
    }
    const ms = Math.round(performance.now() - t0);
    const detail = describe(value);
    this.records.push({ name, ms, detail });
    this.trail(`${name.padEnd(26)} ${String(ms).padStart(6)} ms  ${detail}`);
    return value;
  }
}

/**
 * The admins' part, through the real APIs and safe to repeat (the demo runs it against the dev database
 * again and again): tenant, FIM schema, Leistung (intake); provider and fee (payment); destination and
 * route (routing).
 */
export async function seedDemo(
  t: JourneyTargets,
  trail: Trail,
  o: {
    /** false: the Leistung is free (no provider, any existing fee removed), submissions go straight to routing. */
    fee?: boolean;
  } = {},
): Promise<StepRecord[]> {
  const steps = new Steps(trail);
  const catalogAdmin = await mintToken(t.issuer, 'hb-catalog-admin');
  const paymentAdmin = await mintToken(t.issuer, 'hb-payment-admin');
  const routingAdmin = await mintToken(t.issuer, 'hb-routing-admin');

  await steps.run(
    'seed: tenant',
    () =>
      http<{ id: string; ars: string }>('PUT', `${t.intake}/admin/tenants/${DEMO.tenant}`, {
        token: catalogAdmin,
        // Intake offers Leistungen only in regions inside the tenant's ARS: Stadt Bremen at Kreis level.
        json: { kind: 'KOMMUNE', name: 'Stadtgemeinde Bremen', ars: DEMO.region },
      }),
    (r) => `intake: tenant ${r.body.id} (Stadtgemeinde Bremen, ARS ${r.body.ars})`,
  );
  const schema = await steps.run(
    'seed: FIM schema',
    () =>
      http<{ schemaId: string; version: string; name: string }>('POST', `${t.intake}/admin/fim-schemas`, {
        token: catalogAdmin,
        headers: { 'content-type': 'application/xml' },
        body: readFileSync(DEMO.schemaFile),
        expect: [200, 201],
      }),
    (r) =>
      `intake: ${r.body.schemaId} v${r.body.version} „${r.body.name}“ ${r.status === 201 ? 'uploaded' : 'already there'}`,
  );
  await steps.run(
    'seed: Leistung',
    () =>
      http('PUT', `${t.intake}/admin/tenants/${DEMO.tenant}/leistungen/${DEMO.leikaKey}`, {
        token: catalogAdmin,
        json: {
          names: {
            de: 'Bewohnerparkausweis beantragen',
            en: 'Apply for a residents’ parking permit',
          },
          fimSchema: { id: schema.body.schemaId, version: schema.body.version },
          minTrustLevel: 3,
          anonymousAllowed: false,
          regions: [DEMO.region],
          attachments: {
            maxCount: 3,
            maxFileBytes: 5 * 1024 * 1024,
            maxTotalBytes: 10 * 1024 * 1024,
            mediaTypes: ['application/pdf'],
          },
          active: true,
        },
      }),
    () => `intake: LeiKa ${DEMO.leikaKey} in ${DEMO.region}, trust level ≥ 3, PDF attachments`,
  );
  if (o.fee === false) {
    await steps.run(
      'seed: no fee',
      async () => {
        const fees = await http<Array<{ id: string; leikaKey: string; arsPrefix: string | null }>>(
          'GET',
          `${t.payment}/admin/tenants/${DEMO.tenant}/fees`,
          { token: paymentAdmin },
        );
        const existing = fees.body.filter((f) => f.leikaKey === DEMO.leikaKey && f.arsPrefix === DEMO.region);
        for (const f of existing) {
          await http('DELETE', `${t.payment}/admin/tenants/${DEMO.tenant}/fees/${f.id}`, {
            token: paymentAdmin,
          });
        }
        return existing.length;
      },
      (removed) => `payment: ${DEMO.leikaKey} is free${removed > 0 ? ` (${removed} fee removed)` : ''}`,
    );
  } else {
    await steps.run(
      'seed: payment provider',
      () =>
        http('PUT', `${t.payment}/admin/tenants/${DEMO.tenant}/providers/test`, {
          token: paymentAdmin,
          json: {
            kind: 'simulator',
            baseUrl: t.paymentSimulator,
            settings: { originatorId: 'hb', endPointId: 'bewohnerparken' },
          },
        }),
      () => `payment: provider "simulator" at ${t.paymentSimulator}`,
    );
    await steps.run(
      'seed: fee',
      () =>
        ensureFee(t, paymentAdmin, DEMO.tenant, {
          leikaKey: DEMO.leikaKey,
          arsPrefix: DEMO.region,
          amountCents: DEMO.feeCents,
          purpose: 'Bewohnerparkausweis',
          description: 'Gebühr für den Bewohnerparkausweis (12 Monate)',
        }),
      (fee) =>
        `payment: ${(DEMO.feeCents / 100).toFixed(2).replace('.', ',')} € for ${DEMO.leikaKey} (${fee.id})`,
    );
  }
  await steps.run(
    'seed: destination',
    () =>
      ensureDestination(t, routingAdmin, {
        id: DEMO.destinationId,
        name: 'Stadtamt Bremen - Bewohnerparken',
        identity: 'psw:04011000',
        channel: 'http-push',
        format: 'xdomea-3.0',
        endpointUrl: `${t.fachverfahren}/inbox`,
        alertContact: 'fv-betrieb@bremen.example',
        active: true,
      }),
    (how) => `routing: ${DEMO.destinationId} ${how} (http-push, xdomea-3.0 → ${t.fachverfahren}/inbox)`,
  );
  await steps.run(
    'seed: route',
    () =>
      http('POST', `${t.routing}/routes/import?mode=merge`, {
        token: routingAdmin,
        json: [{ leikaKey: DEMO.leikaKey, ars: DEMO.region, destinationId: DEMO.destinationId }],
      }),
    () => `routing: ${DEMO.leikaKey} in ${DEMO.region} → ${DEMO.destinationId}`,
  );
  return steps.records;
}

/**
 * The Land moves the Leistung to a Fachverfahren that receives over FIT-Connect: a `fit-connect`
 * destination (its Zustellpunkt at the Zustelldienst, `channelSettings`) and the route switched to it.
 * Safe to repeat; the next {@link seedDemo} switches the route back to the push destination.
 */
export async function seedFitConnect(
  t: JourneyTargets,
  trail: Trail,
  channelSettings: Record<string, unknown>,
): Promise<StepRecord[]> {
  const steps = new Steps(trail);
  const routingAdmin = await mintToken(t.issuer, 'hb-routing-admin');
  const id = DEMO.fitConnectDestinationId;
  const destination = {
    name: 'Stadtamt Bremen - Bewohnerparken (FIT-Connect)',
    identity: 'psw:04011000',
    channel: 'fit-connect',
    format: 'fit-connect-json',
    channelSettings,
    alertContact: 'fv-betrieb@bremen.example',
    active: true,
  };
  await steps.run(
    'seed: FIT-Connect destination',
    async () => {
      const created = await http('POST', `${t.routing}/destinations`, {
        token: routingAdmin,
        json: { id, ...destination },
        expect: [201, 409],
      });
      if (created.status === 201) return 'registered';
      await http('PATCH', `${t.routing}/destinations/${id}`, { token: routingAdmin, json: destination });
      return 'updated';
    },
    (how) =>
      `routing: ${id} ${how} (fit-connect, fit-connect-json → Zustellpunkt ${String(channelSettings.destinationId)})`,
  );
  await steps.run(
    'seed: route to FIT-Connect',
    () =>
      http('POST', `${t.routing}/routes/import?mode=merge`, {
        token: routingAdmin,
        json: [{ leikaKey: DEMO.leikaKey, ars: DEMO.region, destinationId: id }],
      }),
    () => `routing: ${DEMO.leikaKey} in ${DEMO.region} → ${id}`,
  );
  return steps.records;
}

/** The form data a portal would collect, with the uploaded proof of residence in its file field. */
export function formData(attachment: {
  attachmentId: string;
  filename: string;
  mediaType: string;
  size: number;
}): Record<string, unknown> {
  return {
    G99000001: {
      F99000001: 'Anna',
      F99000002: 'Beispiel',
      F99000003: '1985-04-12',
      F99000004: 'anna.beispiel@example.org',
    },
    G99000002: { F99000010: 'Am Wall', F99000011: '120', F99000012: '28195', F99000013: 'Bremen' },
    G99000003: { F99000020: 'HB-AB 123', F99000021: true, F99000022: 'VW Golf' },
    F99000030: 12,
    F99000040: {
      attachmentId: attachment.attachmentId,
      filename: attachment.filename,
      mediaType: attachment.mediaType,
      size: attachment.size,
    },
  };
}

/**
 * anna's part: sign in → form → draft → attachment → submit → pay → delivered → Bescheid in the Postkorb.
 * With `fitConnect`, the route leads to a Fachverfahren on FIT-Connect (the Zustelldienst simulator at that
 * URL): it accepts (RECEIVED) and answers with a Bescheid on the case instead of status reports.
 */
export async function walkCitizen(
  t: JourneyTargets,
  trail: Trail,
  o: { fitConnect?: { zustelldienst: string } } = {},
): Promise<JourneyResult> {
  const steps = new Steps(trail);
  const anna = await steps.run(
    'sign in',
    () => mintToken(t.issuer, 'anna'),
    () => `anna got an access token from ${t.issuer} (trust level 3)`,
  );

  const form = await steps.run(
    'form definition',
    () =>
      http<{ jsonSchema: { properties: Record<string, unknown> }; leistung: { minTrustLevel: number } }>(
        'GET',
        `${t.intake}/tenants/${DEMO.tenant}/leistungen/${DEMO.leikaKey}/form`,
      ),
    (r) =>
      `intake: ${Object.keys(r.body.jsonSchema.properties).length} top-level fields, ETag ${r.headers.get('etag') ?? '-'}`,
  );
  if (form.body.leistung.minTrustLevel !== 3) throw new Error('the Leistung should demand trust level 3');

  const draft = await steps.run(
    'draft',
    () =>
      http<{ draftId: string; expiresAt: string }>('POST', `${t.intake}/drafts`, {
        token: anna,
        json: { tenant: DEMO.tenant, leikaKey: DEMO.leikaKey, ars: DEMO.ars },
        expect: [201],
      }),
    (r) => `intake: draft ${r.body.draftId}`,
  );
  const draftId = draft.body.draftId;

  const pdf = minimalPdf('Meldebescheinigung Anna Beispiel, Am Wall 120, 28195 Bremen');
  const attachment = await steps.run(
    'attachment',
    () => {
      const body = new FormData();
      body.append('file', new Blob([pdf], { type: 'application/pdf' }), 'meldebescheinigung.pdf');
      return http<{ attachmentId: string; filename: string; mediaType: string; size: number }>(
        'POST',
        `${t.intake}/drafts/${draftId}/attachments`,
        { token: anna, body, expect: [201] },
      );
    },
    (r) => `intake: ${r.body.filename} (${r.body.mediaType}, ${r.body.size} bytes) → ${r.body.attachmentId}`,
  );
  if (attachment.body.mediaType !== 'application/pdf') throw new Error('the upload was not taken as a PDF');
  const data = formData(attachment.body);

  await steps.run(
    'draft saved',
    async () => {
      const r = await http<{ fieldErrors: unknown[] }>('PUT', `${t.intake}/drafts/${draftId}`, {
        token: anna,
        json: { data, ars: DEMO.ars },
      });
      if (r.body.fieldErrors.length > 0) {
        throw new Error(`the draft has field errors: ${JSON.stringify(r.body.fieldErrors)}`);
      }
      return r;
    },
    () => 'intake: complete form data, no field errors',
  );

  const idempotencyKey = randomUUID();
  const submitted = await steps.run(
    'submit',
    () =>
      http<{ submissionId: string; vorgangsnummer: string; status: string; receipt: { dataSha512: string } }>(
        'POST',
        `${t.intake}/submissions`,
        {
          token: anna,
          headers: { 'idempotency-key': idempotencyKey },
          json: { tenant: DEMO.tenant, leikaKey: DEMO.leikaKey, ars: DEMO.ars, data, draftId },
          expect: [201],
        },
      ),
    (r) =>
      `intake: Vorgangsnummer ${r.body.vorgangsnummer}, submission ${r.body.submissionId}, receipt SHA-512 ${r.body.receipt.dataSha512.slice(0, 16)}…`,
  );
  const submittedAt = performance.now();
  const { submissionId, vorgangsnummer } = submitted.body;

  await steps.run(
    'submit again (same key)',
    () =>
      http<{ submissionId: string }>('POST', `${t.intake}/submissions`, {
        token: anna,
        headers: { 'idempotency-key': idempotencyKey },
        json: { tenant: DEMO.tenant, leikaKey: DEMO.leikaKey, ars: DEMO.ars, data, draftId },
        expect: [201],
      }),
    (r) => {
      if (r.body.submissionId !== submissionId || r.headers.get('idempotent-replayed') !== 'true') {
        throw new Error('a repeated submission with the same Idempotency-Key must replay the first answer');
      }
      return 'intake: same answer replayed (Idempotent-Replayed: true), nothing submitted twice';
    },
  );

  const payment = await steps.run(
    'payment requested',
    () => openPayment(t, { token: anna }, submissionId),
    (p) =>
      `payment: ${((p.amountCents ?? 0) / 100).toFixed(2).replace('.', ',')} € due, transaction ${p.transactionId}, pay page ${p.redirectUrl}`,
  );
  if (payment.state !== 'INITIAL' || !payment.redirectUrl || payment.amountCents !== DEMO.feeCents) {
    throw new Error(`unexpected payment: ${JSON.stringify(payment)}`);
  }
  const payPage = payment.redirectUrl;

  const returnUrl = await steps.run(
    'pay (simulator)',
    async () => {
      const page = await http('GET', payPage, { expect: [200] });
      if (!page.raw.toString('utf8').includes('Bezahlen')) throw new Error('the pay page has no pay button');
      const settled = await http('POST', `${payPage}/settle`, { expect: [303] });
      const location = settled.headers.get('location');
      if (!location) throw new Error('the pay page did not send the browser back');
      return location;
    },
    () => 'simulator: "Bezahlen" pressed, browser sent back to the payment service',
  );

  await steps.run(
    'return URL',
    () => http('GET', returnUrl, { expect: [200, 303] }),
    (r) => `payment: ${new URL(returnUrl).pathname} answered ${r.status} (status checked at the provider)`,
  );

  await steps.run(
    'payment settled',
    () => awaitPaymentState(t, { token: anna }, submissionId, 'PAYED'),
    (p) => `payment: PAYED by ${p.paymentMethod ?? '?'}`,
  );

  await steps.run(
    'routed and delivered',
    () => awaitIntakeStatus(t, { token: anna }, submissionId, DELIVERED_OR_LATER),
    (s) => `intake: ${s.timeline.map((e) => e.status).join(' → ')}`,
  );
  const submitToDeliveredMs = Math.round(performance.now() - submittedAt);

  const routingAdmin = await mintToken(t.issuer, 'hb-routing-admin');
  const atFachverfahren = await steps.run(
    'received by Fachverfahren',
    () =>
      o.fitConnect
        ? receivedOverFitConnect(t, routingAdmin, submissionId, o.fitConnect.zustelldienst)
        : receivedBySimulator(t, routingAdmin, submissionId),
    (m) =>
      `${o.fitConnect ? 'Zustelldienst' : 'simulator'}: message ${m.messageId} (${m.format}) ${m.valid ? 'valid' : 'INVALID'} — ${m.checked.join(', ') || 'nothing checked'}`,
  );
  const format = o.fitConnect ? 'fit-connect-json' : 'xdomea-3.0';
  if (!atFachverfahren.valid || atFachverfahren.format !== format || atFachverfahren.checked.length === 0) {
    throw new Error(
      `the Fachverfahren did not get a validated ${format} message: ${JSON.stringify(atFachverfahren)}`,
    );
  }

  // Over FIT-Connect the Fachverfahren confirms receipt (RECEIVED) and answers; it sends no COMPLETED.
  const finalStatus = o.fitConnect ? 'RECEIVED' : 'COMPLETED';
  const timeline = await steps.run(
    `Postkorb: ${finalStatus}`,
    () =>
      awaitPostkorbTimeline(
        t,
        { token: anna },
        submissionId,
        (tl) => tl.status === finalStatus,
        `the Postkorb timeline to reach ${finalStatus}`,
      ),
    (tl) =>
      `accounts: ${tl.entries.length} timeline entries, status ${tl.status}${tl.outcome ? ` (${tl.outcome})` : ''}`,
  );
  const submitToCompletedMs = Math.round(performance.now() - submittedAt);

  const bescheid = await steps.run(
    'Postkorb: Bescheid',
    () => awaitBescheid(t, { token: anna }, submissionId),
    (m) => `accounts: „${m.subject}“ with ${m.attachments.map((a) => a.filename).join(', ')}`,
  );
  const file = bescheid.attachments[0];
  if (!file) throw new Error('the Bescheid has no attachment');
  const download = await steps.run(
    'download Bescheid',
    () =>
      http('GET', `${t.accounts}/postkorb/messages/${bescheid.id}/attachments/${file.id}`, {
        token: anna,
        expect: [200],
      }),
    (r) => `accounts: ${r.raw.length} bytes, ${r.headers.get('content-type') ?? '?'}`,
  );
  if (!download.raw.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new Error('the Bescheid is not a PDF');

  const intakeStatus = await http<IntakeStatus>('GET', `${t.intake}/submissions/${submissionId}/status`, {
    token: anna,
  });
  const t0 = Date.parse(intakeStatus.body.submittedAt);
  return {
    submissionId,
    vorgangsnummer,
    transactionId: payment.transactionId ?? '',
    payPage,
    messageId: atFachverfahren.messageId,
    intakeTimeline: intakeStatus.body.timeline.map((e) => ({
      status: e.status,
      atMs: Date.parse(e.at) - t0,
    })),
    postkorbTimeline: timeline.entries.map((e) => ({ kind: e.kind, status: e.status, title: e.title.de })),
    postkorbStatus: timeline.status,
    postkorbOutcome: timeline.outcome,
    bescheid: {
      messageId: bescheid.id,
      subject: bescheid.subject,
      filename: file.filename,
      mediaType: download.headers.get('content-type') ?? '',
      bytes: download.raw.length,
    },
    fachverfahren: {
      format: atFachverfahren.format,
      valid: atFachverfahren.valid,
      checked: atFachverfahren.checked,
    },
    submitToDeliveredMs,
    submitToCompletedMs,
    steps: steps.records,
  };
}

interface AtFachverfahren {
  messageId: string;
  format: string;
  valid: boolean;
  checked: string[];
}

async function submissionMessage(
  t: JourneyTargets,
  routingAdmin: string,
  submissionId: string,
): Promise<RoutingMessage | undefined> {
  const msgs = await http<RoutingMessage[]>('GET', `${t.routing}/messages?submissionId=${submissionId}`, {
    token: routingAdmin,
  });
  return msgs.body.find((x) => x.kind === 'submission');
}

/** The push Fachverfahren simulator got the message and validated it. */
function receivedBySimulator(t: JourneyTargets, routingAdmin: string, submissionId: string) {
  return eventually(
    async () => {
      const m = await submissionMessage(t, routingAdmin, submissionId);
      if (!m) return undefined;
      const sim = await http<Array<AtFachverfahren & { problems: string[] }>>(
        'GET',
        `${t.fachverfahren}/_sim/messages`,
      );
      return sim.body.find((x) => x.messageId === m.messageId);
    },
    { timeoutMs: t.waitMs ?? 60_000, what: 'the Fachverfahren simulator to receive the message' },
  );
}

/**
 * The message went over FIT-Connect and the destination accepted it: routing's message is RECEIVED on the
 * fit-connect channel, and the Zustelldienst logged a decided submission (its subscriber checked metadata
 * against the official schema, hashes and decryption before accepting).
 */
function receivedOverFitConnect(
  t: JourneyTargets,
  routingAdmin: string,
  submissionId: string,
  zustelldienst: string,
): Promise<AtFachverfahren> {
  return eventually(
    async () => {
      const m = await submissionMessage(t, routingAdmin, submissionId);
      if (!m || m.channel !== 'fit-connect' || !['DELIVERED', 'RECEIVED'].includes(m.state)) return undefined;
      const zd = await http<Array<{ decided: string | null }>>('GET', `${zustelldienst}/_sim/submissions`);
      if (!zd.body.some((x) => x.decided === 'accepted')) return undefined;
      const checked = [
        'FIT-Connect metadata 2.1.0 (official schema)',
        'hashes',
        'JWE decrypted',
        'accept-submission',
      ];
      return { messageId: m.messageId, format: m.format, valid: true, checked };
    },
    { timeoutMs: t.waitMs ?? 60_000, what: 'the FIT-Connect destination to accept the submission' },
  );
}
