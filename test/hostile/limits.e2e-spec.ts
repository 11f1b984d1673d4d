/**
 * Issue 17: no request can stall a service. Against the four real services:
 * - a JSON body of 100 000 small keys (`{"k0":1,…}`, about 1 MiB) to every JSON operation of every OpenAPI
 *   document is refused (400/413) while `/health/live` keeps answering; the answer times and the liveness
 *   latency meanwhile are reported as diagnostics (speed goals live in the benchmarks: the bounds here are
 *   hang guards, far above what a working service needs);
 * - a body sent at one byte per second, and headers sent that slowly, are cut with 408 after the configured
 *   request and header timeouts;
 * - one client's requests beyond the configured rate get 429 with Retry-After, other clients' do not.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import { mintToken } from '@amtsbote/testing';
import { http } from '../journeys/journey';
import { startSystem, type System, type SystemService } from '../journeys/system';

const SERVICES: SystemService[] = ['intake', 'accounts', 'payment', 'routing'];
/** Who sends the bodies to each service's routes (parsing comes before authentication anyway). */
const CALLER: Record<SystemService, string> = {
  intake: 'anna',
  accounts: 'anna',
  payment: 'hb-payment-admin',
  routing: 'hb-routing-admin',
};
const REQUEST_TIMEOUT_MS = 3000;
const HEADERS_TIMEOUT_MS = 2000;
/** Hang guards, not speed goals: a stalled service takes seconds (11 s before issue 17). */
const ANSWER_GUARD_MS = 10_000;
const LIVENESS_GUARD_MS = 2000;

interface Operation {
  method: string;
  path: string;
}

/** The operations of an OpenAPI document that take a JSON body, their path parameters filled in. */
async function jsonOperations(base: string): Promise<Operation[]> {
  const doc = await http<{
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
  }>('GET', `${base}/docs/openapi.json`);
  const out: Operation[] = [];
  for (const [template, ops] of Object.entries(doc.body.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (op.requestBody?.content?.['application/json'] === undefined) continue;
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
        name === 'tenant' ? 'hb' : name === 'leikaKey' ? '99058012261000' : randomUUID(),
      );
      out.push({ method: method.toUpperCase(), path });
    }
  }
  return out;
}

function manyKeys(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`"k${i}":1`);
  return `{${parts.join(',')}}`;
}

/** Probes `/health/live` until stopped; what each probe took, or how it failed (a timeout after the guard). */
function livenessProbe(base: string): { stop(): Promise<Array<{ ms: number; failure?: string }>> } {
  const probes: Array<{ ms: number; failure?: string }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${base}/health/live`, { signal: AbortSignal.timeout(LIVENESS_GUARD_MS) });
        await res.arrayBuffer();
        probes.push({
          ms: performance.now() - t0,
          failure: res.status === 200 ? undefined : `${res.status}`,
        });
      } catch (err) {
        probes.push({ ms: performance.now() - t0, failure: String(err) });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return probes;
    },
  };
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN;

/** Sends `head`, then `trickle` one byte per second; resolves with what came back once the server closed. */
function trickle(base: string, head: string, trickled: string): Promise<{ answer: string; afterMs: number }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < trickled.length && socket.writable) socket.write(trickled[i++]);
    }, 1000);
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the connection was still open after ${ANSWER_GUARD_MS} ms: ${answer}`));
    }, ANSWER_GUARD_MS);
    socket.on('data', (d) => (answer += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ answer, afterMs: performance.now() - t0 });
    });
    socket.on('connect', () => socket.write(head));
  });
}

describe('limits: bodies, slow clients and request rates', () => {
  let sys: System;
  const limits = {
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    RATE_LIMIT_REQUESTS_PER_MINUTE: '60',
    RATE_LIMIT_BURST: '5',
  };

  before(async () => {
    sys = await startSystem({
      label: 'limits',
      env: { intake: limits, accounts: limits, payment: limits, routing: limits },
    });
  });

  after(async () => {
    await sys?.stop();
  });

  it('answers a 100 000-key JSON body on every JSON route with 400/413 while staying live', async (t: TestContext) => {
    const body = manyKeys(100_000);
    t.diagnostic(`body: ${body.length} bytes, 100000 keys`);
    for (const service of SERVICES) {
      const base = sys.targets[service];
      const operations = await jsonOperations(base);
      assert.ok(operations.length > 0, `${service} documents no JSON operation`);
      const token = await mintToken(sys.targets.issuer, CALLER[service]);
      const probe = livenessProbe(base);
      const times: number[] = [];
      for (const op of operations) {
        const t0 = performance.now();
        const res = await fetch(`${base}${op.path}`, {
          method: op.method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
          signal: AbortSignal.timeout(ANSWER_GUARD_MS),
        }).catch((err: unknown) => {
          throw new Error(
            `${service} ${op.method} ${op.path}: no answer after ${ms(performance.now() - t0)}: ${String(err)}`,
          );
        });
        const text = await res.text();
        times.push(performance.now() - t0);
        assert.ok(
          [400, 413].includes(res.status),
          `${service} ${op.method} ${op.path}: ${res.status} ${text.slice(0, 300)}`,
        );
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      }
      const probes = await probe.stop();
      const failed = probes.filter((p) => p.failure !== undefined);
      assert.deepEqual(failed, [], `${service}: /health/live did not answer meanwhile`);
      assert.ok(probes.length > 0, `${service}: no liveness probe completed`);
      const live = probes.map((p) => p.ms);
      t.diagnostic(
        `${service}: ${operations.length} JSON routes, answer p50 ${ms(quantile(times, 0.5))} max ${ms(Math.max(...times))}; ` +
          `/health/live meanwhile ${live.length} probes, p50 ${ms(quantile(live, 0.5))} max ${ms(Math.max(...live))}`,
      );
    }
  });

  it('refuses the 100 000-key body of an anonymous client too (the probe’s case)', async () => {
    const res = await fetch(`${sys.targets.intake}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: manyKeys(100_000),
      signal: AbortSignal.timeout(ANSWER_GUARD_MS),
    });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { code: string }).code, 'json-too-many-keys');
  });

  it('cuts a body sent one byte per second with 408 after the request timeout', async () => {
    const head =
      'POST /drafts HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
    const { answer, afterMs } = await trickle(sys.targets.intake, head, `{"tenant":"hb"${' '.repeat(90)}}`);
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /application\/problem\+json/);
    assert.ok(afterMs >= REQUEST_TIMEOUT_MS - 500, `cut after ${afterMs} ms, before the timeout`);
  });

  it('cuts headers sent one byte per second with 408 after the header timeout', async () => {
    const { answer } = await trickle(
      sys.targets.routing,
      'GET /health/live HTTP/1.1\r\n',
      'Host: localhost\r\n\r\n',
    );
    assert.match(answer, /^HTTP\/1\.1 408 /);
  });

  it('limits each client’s request rate with 429 and Retry-After, not anyone else’s', async () => {
    const base = sys.targets.intake;
    const ben = await mintToken(sys.targets.issuer, 'ben');
    const anna = await mintToken(sys.targets.issuer, 'anna');
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${base}/drafts`, { headers: { authorization: `Bearer ${ben}` } });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
      else await res.arrayBuffer();
    }
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200], 'the burst is allowed');
    assert.ok(refused, `never refused: ${statuses.join(',')}`);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    const problem = (await refused.json()) as { code: string; status: number };
    assert.deepEqual([problem.status, problem.code], [429, 'too-many-requests']);
    assert.equal(
      (await fetch(`${base}/drafts`, { headers: { authorization: `Bearer ${anna}` } })).status,
      200,
    );

    // Anonymous callers count by address (X-Forwarded-For from the ingress).
    const from = (address: string) =>
      fetch(`${base}/tenants/hb/leistungen`, { headers: { 'x-forwarded-for': address } });
    const anonymous: number[] = [];
    for (let i = 0; i < 8; i++) anonymous.push((await from('203.0.113.9')).status);
    assert.ok(anonymous.includes(429), `anonymous never refused: ${anonymous.join(',')}`);
    assert.equal((await from('203.0.113.10')).status, 200);
    // Health stays unlimited for the orchestrator's probes.
    for (let i = 0; i < 8; i++) assert.equal((await fetch(`${base}/health/live`)).status, 200);
  });
});
