import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '@amtsbote/testing';
import {
  api,
  destinationBody,
  publishReady,
  registerDestination,
  type RoutingUnderTest,
  startRouting,
  tokens,
} from './harness';

interface Unroutable {
  submissionId: string;
  tenant: string;
  vorgangsnummer: string | null;
  leikaKey: string;
  ars: string;
  reason: string;
  at: string;
}

interface Problem {
  status: number;
  errors?: Array<{ path: string }>;
}

const UNKNOWN_LEIKA = '99123456789012';

describe('unroutable submissions: the admin list and the metric', () => {
  let r: RoutingUnderTest;
  let hb: string;
  let nw: string;
  let operator: string;

  before(async () => {
    r = await startRouting('unroutable');
    [hb, nw, operator] = await Promise.all([
      tokens.admin('hb-routing-admin'),
      tokens.admin('nw-routing-admin'),
      tokens.admin('operator'),
    ]);
  });

  after(async () => {
    await r?.close();
  });

  const list = (token: string | undefined, query = '') =>
    api<Unroutable[]>(r.url, 'GET', `/unroutable${query}`, token);

  /** Waits until the admin's list shows the submission (routing consumed and recorded it). */
  const listed = (token: string, submissionId: string) =>
    eventually(
      async () => {
        const res = await list(token);
        return res.body.find((u) => u.submissionId === submissionId);
      },
      { what: `unroutable ${submissionId}` },
    );

  async function unroutableCount(tenant: string): Promise<number> {
    const text = await r.metrics();
    const m = new RegExp(`^amtsbote_routing_unroutable_total\\{tenant="${tenant}"\\} (\\d+)$`, 'm').exec(
      text,
    );
    return m === null ? 0 : Number(m[1]);
  }

  it("lists a tenant's unroutable submissions newest first, to its admins only, and counts them", async () => {
    const [hbBefore, nwBefore] = [await unroutableCount('hb'), await unroutableCount('nw')];

    const noRoute = await publishReady(r.topicPrefix, { leikaKey: UNKNOWN_LEIKA });
    const first = await listed(hb, noRoute.submissionId);
    assert.deepEqual(
      { ...first, at: undefined },
      {
        submissionId: noRoute.submissionId,
        tenant: 'hb',
        vorgangsnummer: noRoute.vorgangsnummer,
        leikaKey: UNKNOWN_LEIKA,
        ars: noRoute.ars,
        reason: `no route for LeiKa ${UNKNOWN_LEIKA} and ARS ${noRoute.ars} in tenant hb`,
        at: undefined,
      },
    );

    // The other branch: a route matches, but its destination is switched off.
    await registerDestination(
      r.url,
      hb,
      destinationBody({ id: 'hb-off', format: 'fim-xml', channel: 'pull' }),
    );
    assert.equal((await api(r.url, 'PATCH', '/destinations/hb-off', hb, { active: false })).status, 200);
    const inactive = await publishReady(r.topicPrefix);
    await listed(hb, inactive.submissionId);
    const nwOwn = await publishReady(r.topicPrefix, { tenant: 'nw', ars: '051110000000' });
    await listed(nw, nwOwn.submissionId);

    const hbList = await list(hb);
    assert.equal(hbList.status, 200, hbList.text);
    assert.deepEqual(
      hbList.body.map((u) => u.submissionId),
      [inactive.submissionId, noRoute.submissionId],
      'newest first, only hb',
    );
    assert.equal(hbList.body[0].reason, 'the responsible destination hb-off is inactive');
    assert.ok(Date.parse(hbList.body[0].at) > Date.parse(hbList.body[1].at));

    const nwList = await list(nw);
    assert.deepEqual(
      nwList.body.map((u) => u.submissionId),
      [nwOwn.submissionId],
      "nw's admin sees none of hb's",
    );
    const all = await list(operator);
    assert.deepEqual(
      all.body.map((u) => u.submissionId).sort(),
      [noRoute.submissionId, inactive.submissionId, nwOwn.submissionId].sort(),
      'operators see every tenant',
    );

    const since = await list(hb, `?since=${encodeURIComponent(hbList.body[0].at)}`);
    assert.deepEqual(
      since.body.map((u) => u.submissionId),
      [inactive.submissionId],
    );
    const limited = await list(hb, '?limit=1');
    assert.deepEqual(
      limited.body.map((u) => u.submissionId),
      [inactive.submissionId],
    );

    assert.equal(await unroutableCount('hb'), hbBefore + 2);
    assert.equal(await unroutableCount('nw'), nwBefore + 1);
  });

  it('answers bad query parameters with problem+json, no token with 401, a citizen with 403', async () => {
    for (const [query, path] of [
      ['?limit=0', '/limit'],
      ['?limit=1001', '/limit'],
      ['?limit=ten', '/limit'],
      ['?since=yesterday', '/since'],
      ['?tenant=nw', '/tenant'],
    ] as const) {
      const res = await api<Problem>(r.url, 'GET', `/unroutable${query}`, hb);
      assert.equal(res.status, 400, `${query}: ${res.text}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.ok(
        res.body.errors?.some((e) => e.path === path),
        `${query} names ${path}: ${res.text}`,
      );
    }
    assert.equal((await list(undefined)).status, 401);
    assert.equal((await list(await tokens.admin('anna'))).status, 403);
  });
});
