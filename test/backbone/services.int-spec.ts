import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accountsService } from '@amtsbote/accounts';
import { intakeService } from '@amtsbote/intake';
import { paymentService } from '@amtsbote/payment';
import { routingService } from '@amtsbote/routing';
import {
  eventually,
  freshDatabase,
  mintToken,
  OIDC_ISSUER,
  type ServiceUnderTest,
  serviceTestEnv,
  startKafka,
  startPostgres,
  startService,
  stopKafka,
  stopPostgres,
  type TestDatabase,
  uniqueName,
} from '@amtsbote/testing';

describe('the four services on the real backbone', () => {
  let db: TestDatabase;
  const services: Record<string, ServiceUnderTest<unknown>> = {};
  const METRICS_TOKEN = 'services-spec-metrics-token';
  const scrape = { authorization: `Bearer ${METRICS_TOKEN}` };
  let operator: string;
  let citizen: string;

  before(async () => {
    db = await freshDatabase('services');
    const env = serviceTestEnv({
      databaseUrl: db.url,
      topicPrefix: `${uniqueName('svc').replace(/_/g, '-')}.`,
      extra: { METRICS_TOKEN },
    });
    for (const [name, def] of Object.entries({
      intakeService,
      accountsService,
      paymentService,
      routingService,
    })) {
      services[name.replace('Service', '')] = await startService(def as never, env);
    }
    operator = await mintToken(OIDC_ISSUER, 'operator');
    citizen = await mintToken(OIDC_ISSUER, 'anna');
  });

  after(async () => {
    // In case a readiness test failed half-way.
    await startKafka();
    await startPostgres();
    for (const s of Object.values(services)) await s.close();
    await db.drop();
  });

  it('an event written through the outbox by one service is consumed by the others', async () => {
    const res = await fetch(`${services.intake.url}/diagnostics/echo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hello backbone' }),
    });
    assert.equal(res.status, 202);
    const { echoId } = (await res.json()) as { echoId: string };
    for (const name of ['accounts', 'payment', 'routing']) {
      const records = await eventually(
        async () => {
          const r = await fetch(`${services[name].url}/diagnostics/echo/${echoId}`, {
            headers: { authorization: `Bearer ${operator}` },
          });
          return r.status === 200
            ? ((await r.json()) as Array<{ service: string; direction: string }>)
            : undefined;
        },
        { what: `${name} to receive the echo` },
      );
      assert.deepEqual(
        records.map((r) => [r.service, r.direction]),
        [[name, 'received']],
      );
    }
  });

  it('answers errors as RFC 9457 problem+json in German and English, with field paths', async () => {
    const intake = services.intake.url;
    const unauth = await fetch(`${intake}/diagnostics/echo`, { method: 'POST' });
    assert.equal(unauth.status, 401);
    assert.match(unauth.headers.get('content-type') ?? '', /^application\/problem\+json/);

    const forbidden = await fetch(`${intake}/diagnostics/echo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${citizen}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'x' }),
    });
    assert.equal(forbidden.status, 403);

    const invalid = await fetch(`${intake}/diagnostics/echo`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${operator}`,
        'content-type': 'application/json',
        'accept-language': 'en',
      },
      body: JSON.stringify({ message: 42, extra: true }),
    });
    assert.equal(invalid.status, 400);
    const problem = (await invalid.json()) as {
      type: string;
      title: string;
      titles: { de: string; en: string };
      errors: Array<{ path: string; message: { de: string; en: string } }>;
      correlationId: string;
    };
    assert.equal(problem.type, 'https://amtsbote.de/problems/validation-failed');
    assert.equal(problem.title, problem.titles.en);
    assert.ok(problem.titles.de.length > 0);
    assert.deepEqual(new Set(problem.errors.map((e) => e.path)), new Set(['/message', '/extra']));
    assert.ok(problem.errors.every((e) => e.message.de && e.message.en));
    assert.equal(invalid.headers.get('x-request-id'), problem.correlationId);

    const broken = await fetch(`${intake}/diagnostics/echo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: '{"message": ',
    });
    assert.equal(broken.status, 400);
    assert.match(broken.headers.get('content-type') ?? '', /^application\/problem\+json/);

    const missing = await fetch(`${intake}/no/such/route`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    assert.equal(missing.status, 404);
    const notFound = (await missing.json()) as { titles: { de: string } };
    assert.equal(notFound.titles.de, 'Nicht gefunden');

    // A malformed id names nothing that could exist: not found, like a well-formed unknown one.
    const badId = await fetch(`${intake}/diagnostics/echo/not-a-uuid`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    assert.equal(badId.status, 404);
    assert.match(badId.headers.get('content-type') ?? '', /^application\/problem\+json/);
  });

  it('serves OpenAPI at /docs and Prometheus metrics at /metrics', async () => {
    for (const [name, s] of Object.entries(services)) {
      const doc = (await (await fetch(`${s.url}/docs/openapi.json`)).json()) as {
        info: { title: string };
        paths: object;
      };
      assert.equal(doc.info.title, `Amtsbote ${name}`);
      assert.ok('/diagnostics/echo' in doc.paths);
      const ui = await fetch(`${s.url}/docs`);
      assert.equal(ui.status, 200);
      assert.equal((await fetch(`${s.url}/metrics`)).status, 401, 'metrics need the token');
      const metrics = await (await fetch(`${s.url}/metrics`, { headers: scrape })).text();
      assert.match(metrics, /amtsbote_process_cpu_seconds_total/);
    }
    const metrics = await (await fetch(`${services.intake.url}/metrics`, { headers: scrape })).text();
    assert.match(metrics, /amtsbote_http_request_duration_seconds_bucket\{[^}]*route="\/diagnostics\/echo"/);
    assert.match(metrics, /amtsbote_outbox_published_total/);
  });

  it('readiness turns false while the broker is down and true again after it returns, liveness stays true', async () => {
    const payment = services.payment.url;
    const ready = async () => (await fetch(`${payment}/health/ready`)).status;
    assert.equal(await ready(), 200);
    await stopKafka();
    try {
      await eventually(async () => ((await ready()) === 503 ? true : undefined), {
        what: 'readiness 503',
        timeoutMs: 30000,
      });
      assert.equal((await fetch(`${payment}/health/live`)).status, 200);
    } finally {
      await startKafka();
    }
    await eventually(async () => ((await ready()) === 200 ? true : undefined), {
      what: 'readiness 200 after the broker returned',
      timeoutMs: 90000,
      intervalMs: 500,
    });
  });

  it('readiness turns false while PostgreSQL is down and true again after it returns', async () => {
    const intake = services.intake.url;
    const ready = async () => (await fetch(`${intake}/health/ready`)).status;
    assert.equal(await ready(), 200);
    await stopPostgres();
    try {
      await eventually(async () => ((await ready()) === 503 ? true : undefined), {
        what: 'readiness 503',
        timeoutMs: 30000,
      });
      assert.equal((await fetch(`${intake}/health/live`)).status, 200);
    } finally {
      await startPostgres();
    }
    await eventually(async () => ((await ready()) === 200 ? true : undefined), {
      what: 'readiness 200 after PostgreSQL returned',
      timeoutMs: 60000,
      intervalMs: 500,
    });
  });
});
