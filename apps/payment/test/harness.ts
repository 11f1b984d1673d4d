import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { type EventPayload, submissionSubmittedV1, TOPICS } from '@amtsbote/contracts';
import { type PaymentConfig, paymentService } from '../src/index';
import {
  type AppUnderTest,
  EventRecorder,
  OIDC_ISSUER,
  publishTestEvent,
  startAppUnderTest,
} from '@amtsbote/testing';

export const LEIKA_PARKEN = '99050012104000';
export const LEIKA_FREI = '99050012104001';
export const PORTAL = 'http://portal.test';

export const keyOf = (username: string) => `${OIDC_ISSUER}|${username}`;

/** The payment service under test (the same shape as every app's harness), with a recorder on its topic. */
export interface PaymentUnderTest extends AppUnderTest<PaymentConfig> {
  recorder: EventRecorder;
}

/** payment on the real stack: its own database and topics, a recorder on the payment topic. */
export async function startPayment(
  label: string,
  extra: Record<string, string> = {},
): Promise<PaymentUnderTest> {
  const app = await startAppUnderTest(paymentService, {
    service: 'payment',
    label,
    env: { PAYMENT_RETURN_URL_ORIGINS: PORTAL, PAYMENT_RECONCILE_INTERVAL_SECONDS: '3600', ...extra },
  });
  const recorder = await EventRecorder.start(app.topicPrefix, [TOPICS.payment]);
  const close = app.close;
  return Object.assign(app, {
    recorder,
    close: async () => {
      await recorder.stop();
      await close();
    },
  });
}

export function submission(
  overrides: Partial<EventPayload<typeof submissionSubmittedV1>> = {},
): EventPayload<typeof submissionSubmittedV1> {
  return {
    submissionId: randomUUID(),
    vorgangsnummer: `HB-2025-${randomBytes(3).toString('hex').toUpperCase()}`,
    tenant: 'hb',
    leikaKey: LEIKA_PARKEN,
    leistungName: 'Bewohnerparkausweis',
    ars: '040110000000',
    applicant: { ownerKey: keyOf('anna'), kind: 'person', trustLevel: 3 },
    submittedAt: new Date().toISOString(),
    dataSha512: 'a'.repeat(128),
    ...overrides,
  };
}

/** Publishes `submission.submitted` as intake would. */
export async function submit(
  stack: PaymentUnderTest,
  overrides: Partial<EventPayload<typeof submissionSubmittedV1>> = {},
): Promise<EventPayload<typeof submissionSubmittedV1>> {
  const data = submission(overrides);
  await publishTestEvent({
    // newEvent spreads its input over the generated id: without one the event would carry no ce_id.
    id: randomUUID(),
    topicPrefix: stack.topicPrefix,
    contract: submissionSubmittedV1,
    subject: data.submissionId,
    tenant: data.tenant,
    data,
  });
  return data;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A JSON call to the service; `body: undefined` sends none. */
export async function call<T = Record<string, unknown>>(
  url: string,
  o: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const res = await fetch(url, {
    method: o.method ?? (o.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...o.headers,
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
    redirect: 'manual',
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    // HTML or empty
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export function expectProblem(a: Answer, status: number, code: string): void {
  assert.equal(a.status, status, JSON.stringify(a.body));
  assert.match(a.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.equal((a.body as { code?: string }).code, code, JSON.stringify(a.body));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
