/**
 * Shared steps of the fault tolerance tests (issue 9 §3): the demo's Leistung without its fee (submissions
 * go straight to routing), citizens' applications prepared ahead (draft + proof of residence), submitting
 * like a well-behaved portal (same Idempotency-Key again after a 503), and the stack brought back whatever
 * a test did to it.
 */
import { randomUUID } from 'node:crypto';
import {
  type FachverfahrenReceivedMessage as ReceivedMessage,
  type FachverfahrenValidationOutcome,
  kafkaReady,
  mintToken,
  postgresReady,
  startKafka,
  startPostgres,
} from '@amtsbote/testing';
import {
  DEMO,
  formData,
  http,
  intakeStatus,
  type JourneyTargets,
  type RoutingMessage,
  seedDemo,
  openDraft,
  uploadPdf,
} from '../journeys/journey';

/** Runs `fn` over `items` with at most `concurrency` calls at once; results in input order. */
export async function inParallel<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/**
 * The services log every refused broker connection at error level while a dependency is away on purpose;
 * silent unless AMTSBOTE_TEST_LOG_LEVEL asks for more. anna stands for hundreds of citizens in a burst, so
 * the per-client rate limit, which would see one client, is off.
 */
const level = process.env.AMTSBOTE_TEST_LOG_LEVEL ?? 'fatal';
const quiet = { LOG_LEVEL: level, RATE_LIMIT_REQUESTS_PER_MINUTE: '0' };
export const quietServices = { intake: quiet, accounts: quiet, payment: quiet, routing: quiet };

/**
 * The Fachverfahren simulator's own XSD check (xmllint-wasm, ~150 ms a message on a busy CI core) would
 * make hundreds of deliveries several times slower. Routing validates every message before it sends it,
 * and the journey tests check them at the receiver; the fault tests only count what arrives.
 */
export const acceptWithoutSchemaCheck = (): FachverfahrenValidationOutcome => ({
  valid: true,
  checked: [],
  problems: [],
});

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The demo's seed, then its fee removed: no payment step, a submission is READY for routing at once. */
export async function seedWithoutFee(t: JourneyTargets): Promise<void> {
  await seedDemo(t, () => undefined);
  const admin = await mintToken(t.issuer, 'hb-payment-admin');
  const fees = await http<Array<{ id: string; leikaKey: string }>>(
    'GET',
    `${t.payment}/admin/tenants/${DEMO.tenant}/fees`,
    { token: admin },
  );
  for (const fee of fees.body.filter((f) => f.leikaKey === DEMO.leikaKey)) {
    await http('DELETE', `${t.payment}/admin/tenants/${DEMO.tenant}/fees/${fee.id}`, {
      token: admin,
      expect: [200, 204],
    });
  }
}

/** A complete application waiting to be submitted: its draft holds the uploaded proof of residence. */
export interface Application {
  draftId: string;
  data: Record<string, unknown>;
  idempotencyKey: string;
}

/** Draft + proof-of-residence upload for `count` applications (before a fault: only PostgreSQL is needed). */
export function prepareApplications(
  t: JourneyTargets,
  token: string,
  count: number,
  concurrency = 8,
): Promise<Application[]> {
  return inParallel(Array.from({ length: count }), concurrency, async () => {
    const { draftId } = await openDraft(t, { token });
    const proof = await uploadPdf(t, { token }, draftId, 'meldebescheinigung.pdf', 'Meldebescheinigung');
    return { draftId, data: formData(proof), idempotencyKey: randomUUID() };
  });
}

export interface Accepted {
  submissionId: string;
  vorgangsnummer: string;
}

/** Every answer that was not a 201, as the client saw it. */
export interface Refusal {
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  at: number;
}

/**
 * Submits like a portal should: on 503 it waits for Retry-After (here at most a second: a test cannot wait
 * as long as a portal would) and sends the same request with the same Idempotency-Key again. Any other
 * answer than 201 or 503 ends the attempts; the caller asserts on `refusals`.
 */
export async function submitWithRetry(
  t: JourneyTargets,
  token: string,
  app: Application,
  o: { refusals: Refusal[]; deadlineMs: number },
): Promise<Accepted | undefined> {
  for (;;) {
    const res = await fetch(`${t.intake}/submissions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': app.idempotencyKey,
      },
      body: JSON.stringify({
        tenant: DEMO.tenant,
        leikaKey: DEMO.leikaKey,
        ars: DEMO.ars,
        data: app.data,
        draftId: app.draftId,
      }),
    });
    const text = await res.text();
    if (res.status === 201) return JSON.parse(text) as Accepted;
    const retryAfter = res.headers.get('retry-after');
    o.refusals.push({
      status: res.status,
      retryAfter,
      contentType: res.headers.get('content-type'),
      at: Date.now(),
    });
    if (res.status !== 503 || Date.now() > o.deadlineMs) return undefined;
    const seconds = Number(retryAfter);
    await sleep(Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000, 1000));
  }
}

/** The messages the Fachverfahren simulator holds, by submission (exactly one each when nothing went wrong). */
export function receivedBySubmission(received: Map<string, ReceivedMessage>): Map<string, ReceivedMessage[]> {
  const out = new Map<string, ReceivedMessage[]>();
  for (const m of received.values()) {
    if (m.envelope.kind !== 'submission') continue;
    const list = out.get(m.envelope.submissionId) ?? [];
    list.push(m);
    out.set(m.envelope.submissionId, list);
  }
  return out;
}

/** routing's view (admin API) of every message to the demo destination. */
export async function destinationMessages(t: JourneyTargets): Promise<RoutingMessage[]> {
  const admin = await mintToken(t.issuer, 'hb-routing-admin');
  const r = await http<RoutingMessage[]>(
    'GET',
    `${t.routing}/messages?destinationId=${DEMO.destinationId}&limit=1000`,
    { token: admin },
  );
  return r.body;
}

export interface PostkorbSubmission {
  submissionId: string;
  vorgangsnummer: string;
  status: string | null;
}

/** Every application in the citizen's Postkorb, all pages. */
export async function postkorbSubmissions(t: JourneyTargets, token: string): Promise<PostkorbSubmission[]> {
  const out: PostkorbSubmission[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page: { body: { items: PostkorbSubmission[]; nextCursor: string | null } } = await http(
      'GET',
      `${t.accounts}/postkorb/submissions?limit=100${query}`,
      { token },
    );
    out.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor !== null);
  return out;
}

/**
 * Kafka and PostgreSQL of the stack running and answering again (idempotent). Fault tests call it in
 * `finally`/`after`, so a failed test never leaves the shared stack broken for the next file.
 */
export async function restoreStack(): Promise<void> {
  const quiet = { log: () => undefined };
  await startPostgres(quiet);
  await startKafka(quiet);
  const deadline = Date.now() + 60_000;
  while (!((await postgresReady()) && (await kafkaReady()))) {
    if (Date.now() > deadline) throw new Error('the stack did not come back within 60 s');
    await sleep(250);
  }
}

/** Where undelivered submissions stand (for failure messages): counts at the receiver, routing and intake. */
export async function deliveryProgress(
  t: JourneyTargets,
  token: string,
  received: Map<string, ReceivedMessage>,
  submissionIds: readonly string[],
): Promise<string> {
  const got = receivedBySubmission(received);
  const missing = submissionIds.filter((id) => !got.has(id));
  const states = new Map<string, number>();
  try {
    for (const m of await destinationMessages(t)) states.set(m.state, (states.get(m.state) ?? 0) + 1);
  } catch (err) {
    states.set(`unknown (${(err as Error).message})`, 0);
  }
  const intake = new Map<string, number>();
  for (const id of missing.slice(0, 50)) {
    const s = await intakeStatus(t, { token }, id).then(
      (r) => r.status,
      () => 'unreadable',
    );
    intake.set(s, (intake.get(s) ?? 0) + 1);
  }
  const fmt = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return (
    `${submissionIds.length - missing.length}/${submissionIds.length} at the Fachverfahren; ` +
    `routing messages: ${fmt(states)}; intake status of up to 50 missing: ${fmt(intake)}`
  );
}
