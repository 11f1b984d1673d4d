import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { routingFailedV1, routingRoutedV1, TOPICS } from '@amtsbote/contracts';
import { eventually, EventRecorder } from '@amtsbote/testing';
import { generateKeyPair, exportJWK } from 'jose';
import {
  api,
  destinationBody,
  LEIKA,
  publishBlaueKarte,
  publishReady,
  type RoutingUnderTest,
  startRouting,
  startSimulator,
  tokens,
  type FachverfahrenSimulator,
} from './harness';

interface Resolution {
  found: boolean;
  matchedPrefix: string | null;
  destinationId?: string;
}

describe('Zuständigkeit: destinations, routes, bulk import/export, resolution', () => {
  let r: RoutingUnderTest;
  let sim: FachverfahrenSimulator;
  let hb: string;
  let nw: string;
  let operator: string;
  let recorder: EventRecorder;

  before(async () => {
    r = await startRouting('zustaendigkeit');
    sim = await startSimulator();
    [hb, nw, operator] = await Promise.all([
      tokens.admin('hb-routing-admin'),
      tokens.admin('nw-routing-admin'),
      tokens.admin('operator'),
    ]);
    recorder = await EventRecorder.start(r.topicPrefix, [TOPICS.routing]);
    await publishBlaueKarte(r.topicPrefix);
    for (const id of ['hb-land', 'hb-bremerhaven', 'hb-stadt', 'hb-ortsteil', 'hb-default']) {
      const res = await api(
        r.url,
        'POST',
        '/destinations',
        hb,
        destinationBody({ id, format: 'fim-xml', channel: 'http-push', endpointUrl: sim.inboxUrl }),
      );
      assert.equal(res.status, 201, res.text);
    }
  });

  after(async () => {
    await recorder?.stop();
    await sim?.stop();
    await r?.close();
  });

  it('registers a destination, returns its HMAC secret once, and keeps other tenants out', async () => {
    const created = await api<{ secret: string; tenant: string }>(
      r.url,
      'POST',
      '/destinations',
      hb,
      destinationBody({ id: 'hb-secret-probe', format: 'xdomea-3.0', channel: 'pull' }),
    );
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.tenant, 'hb');
    assert.ok(created.body.secret.length >= 32);
    const read = await api<Record<string, unknown>>(r.url, 'GET', '/destinations/hb-secret-probe', hb);
    assert.equal(read.status, 200);
    assert.equal('secret' in read.body, false, 'the secret is never shown again');
    assert.equal(
      (await api(r.url, 'GET', '/destinations/hb-secret-probe', nw)).status,
      404,
      'another tenant does not see it',
    );
    assert.equal(
      (await api(r.url, 'GET', '/destinations/hb-secret-probe', operator)).status,
      200,
      'operators see all',
    );
    const nwList = await api<Array<{ id: string }>>(r.url, 'GET', '/destinations', nw);
    assert.deepEqual(nwList.body, []);
    const duplicate = await api(
      r.url,
      'POST',
      '/destinations',
      hb,
      destinationBody({ id: 'hb-secret-probe', format: 'fim-xml', channel: 'pull' }),
    );
    assert.equal(duplicate.status, 409);
    const citizen = await api(r.url, 'GET', '/destinations', await tokens.admin('anna'));
    assert.equal(citizen.status, 403);
    const rotated = await api<{ secret: string }>(
      r.url,
      'POST',
      '/destinations/hb-secret-probe/secret',
      hb,
      {},
    );
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, created.body.secret);
  });

  it('refuses names outside DIN 91379, bad identities, push without endpoint and unusable keys', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const { privateKey } = await generateKeyPair('RSA-OAEP-256', { modulusLength: 2048, extractable: true });
    const res = await api<{ errors: Array<{ path: string }> }>(r.url, 'POST', '/destinations', hb, {
      ...destinationBody({
        id: 'hb-bad',
        format: 'fim-xml',
        channel: 'http-push',
        publicKey: small,
      }),
      name: 'Stadtamt – mit Gedankenstrich',
      endpointUrl: undefined,
    });
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.errors.map((e) => e.path).sort(), ['/endpointUrl', '/name', '/publicKey']);
    const priv = await api<{ errors: Array<{ path: string }> }>(r.url, 'POST', '/destinations', hb, {
      ...destinationBody({
        id: 'hb-bad',
        format: 'fim-xml',
        channel: 'pull',
        publicKey: await exportJWK(privateKey),
      }),
    });
    assert.equal(priv.status, 422);
    const badIdentity = await api(r.url, 'POST', '/destinations', hb, {
      ...destinationBody({ id: 'hb-bad', format: 'fim-xml', channel: 'pull' }),
      identity: 'no-prefix',
    });
    assert.equal(badIdentity.status, 400);
  });

  it('imports routes as CSV (semicolons, quotes, nationwide default) and exports them again', async () => {
    const csv = [
      'leikaKey;ars;destinationId',
      `${LEIKA};04;hb-land`,
      `${LEIKA};040;hb-land`,
      `${LEIKA};04012;hb-bremerhaven`,
      `${LEIKA};040110000;"hb-stadt"`,
      `${LEIKA};040110000001;hb-ortsteil`,
      `${LEIKA};;hb-default`,
    ].join('\r\n');
    const imported = await api<{ created: number; total: number }>(
      r.url,
      'POST',
      '/routes/import',
      hb,
      csv,
      'text/csv',
    );
    assert.equal(imported.status, 200, imported.text);
    assert.deepEqual(
      { total: imported.body.total, created: imported.body.created },
      { total: 6, created: 6 },
    );
    const exported = await api(r.url, 'GET', '/routes/export?format=csv', hb);
    assert.equal(exported.status, 200);
    assert.match(exported.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = exported.text.trim().split('\r\n');
    assert.equal(lines[0], 'leikaKey,ars,destinationId');
    assert.ok(lines.includes(`${LEIKA},,hb-default`));
    assert.ok(lines.includes(`${LEIKA},040110000001,hb-ortsteil`));
    // The export re-imports without change.
    const again = await api<{ unchanged: number; created: number }>(
      r.url,
      'POST',
      '/routes/import',
      hb,
      exported.text,
      'text/csv',
    );
    assert.deepEqual(
      { unchanged: again.body.unchanged, created: again.body.created },
      { unchanged: 6, created: 0 },
    );
    const json = await api<Array<{ ars: string | null; tenant: string }>>(
      r.url,
      'GET',
      '/routes/export?format=json',
      hb,
    );
    assert.equal(json.body.length, 6);
    assert.ok(json.body.some((x) => x.ars === null));
    assert.deepEqual((await api<unknown[]>(r.url, 'GET', '/routes/export?format=json', nw)).body, []);
  });

  it('refuses a whole import when a row is bad, naming each bad row', async () => {
    const res = await api<{ errors: Array<{ path: string; code: string }> }>(
      r.url,
      'POST',
      '/routes/import',
      hb,
      {
        routes: [
          { leikaKey: LEIKA, ars: '0401', destinationId: 'hb-land' },
          { leikaKey: '12', ars: 4011, destinationId: 'nw-other' },
          { leikaKey: LEIKA, ars: '04', destinationId: 'hb-stadt' },
          { leikaKey: LEIKA, ars: '04', destinationId: 'hb-land' },
        ],
      },
    );
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(
      res.body.errors.map((e) => `${e.path} ${e.code}`).sort(),
      [
        '/routes/0/ars ars',
        '/routes/1/ars ars',
        '/routes/1/destinationId unknown',
        '/routes/1/leikaKey leika',
        '/routes/3/ars duplicate',
      ].sort(),
    );
    const csv = await api<{ errors: Array<{ path: string }> }>(
      r.url,
      'POST',
      '/routes/import',
      hb,
      `leikaKey,ars,destinationId\r\n${LEIKA},123456,hb-land\r\n`,
      'text/csv',
    );
    assert.equal(csv.status, 422);
    assert.deepEqual(
      csv.body.errors.map((e) => e.path),
      ['/2/ars'],
    );
    // Nothing of the failed imports was written.
    assert.equal((await api<unknown[]>(r.url, 'GET', '/routes', hb)).body.length, 6);
  });

  it('resolves the most specific prefix: 12 → 9 → 5 → 3 → 2 digits, then the nationwide default', async () => {
    const cases: Array<[string, string, string]> = [
      ['040110000001', '040110000001', 'hb-ortsteil'],
      ['040110000002', '040110000', 'hb-stadt'],
      ['040120000000', '04012', 'hb-bremerhaven'],
      ['040130000000', '040', 'hb-land'],
      ['041000000000', '04', 'hb-land'],
      ['091620000000', '', 'hb-default'],
      ['04011', '040', 'hb-land'],
    ];
    for (const [ars, prefix, destination] of cases) {
      const res = await api<Resolution>(r.url, 'GET', `/routes/resolve?leikaKey=${LEIKA}&ars=${ars}`, hb);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual([res.body.matchedPrefix, res.body.destinationId], [prefix, destination], `ARS ${ars}`);
    }
    const other = await api<Resolution>(
      r.url,
      'GET',
      `/routes/resolve?leikaKey=99999999999999&ars=040110000001`,
      hb,
    );
    assert.deepEqual(other.body.found, false);
    const otherTenant = await api<Resolution>(
      r.url,
      'GET',
      `/routes/resolve?leikaKey=${LEIKA}&ars=040110000001`,
      nw,
    );
    assert.equal(otherTenant.body.found, false, "nw's resolution does not see hb's routes");
  });

  it('routes live submissions by the table, fails clearly without a match, and applies changes without restart', async () => {
    const byStadt = await publishReady(r.topicPrefix, { ars: '040110000777' });
    const routed = await eventually(async () => recorder.ofType(routingRoutedV1, byStadt.submissionId)[0], {
      what: 'routed',
    });
    assert.equal(routed.data.authority.destinationId, 'hb-stadt');

    const orphan = await publishReady(r.topicPrefix, { leikaKey: '99123456789012' });
    const failed = await eventually(async () => recorder.ofType(routingFailedV1, orphan.submissionId)[0], {
      what: 'NO_AUTHORITY',
    });
    assert.equal(failed.data.code, 'NO_AUTHORITY');
    assert.match(failed.data.reason.de, /keine zuständige Stelle/);

    // A new, more specific route applies to the next submission at once.
    const add = await api(r.url, 'POST', '/routes', hb, {
      leikaKey: LEIKA,
      ars: '040110000777',
      destinationId: 'hb-ortsteil',
    });
    assert.equal(add.status, 201);
    const next = await publishReady(r.topicPrefix, { ars: '040110000777' });
    const rerouted = await eventually(async () => recorder.ofType(routingRoutedV1, next.submissionId)[0], {
      what: 'rerouted',
    });
    assert.equal(rerouted.data.authority.destinationId, 'hb-ortsteil');

    // An inactive destination is a clear failure, never a fallback to a less specific route.
    assert.equal((await api(r.url, 'PATCH', '/destinations/hb-ortsteil', hb, { active: false })).status, 200);
    const inactive = await publishReady(r.topicPrefix, { ars: '040110000777' });
    const refused = await eventually(async () => recorder.ofType(routingFailedV1, inactive.submissionId)[0], {
      what: 'inactive',
    });
    assert.equal(refused.data.code, 'NO_AUTHORITY');
    assert.equal(recorder.ofType(routingRoutedV1, inactive.submissionId).length, 0);
  });

  it('replace mode removes routes missing from the import; every change is in the audit log', async () => {
    const res = await api<{ deleted: number; total: number }>(
      r.url,
      'POST',
      '/routes/import?mode=replace',
      hb,
      [{ leikaKey: LEIKA, ars: null, destinationId: 'hb-default' }],
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.deleted, 6);
    assert.equal((await api<unknown[]>(r.url, 'GET', '/routes', hb)).body.length, 1);
    const operatorImport = await api(r.url, 'POST', '/routes/import', operator, []);
    assert.equal(operatorImport.status, 400, 'operators name the tenant');
    const audit = await api<Array<{ action: string; actor: string; target: string }>>(
      r.url,
      'GET',
      '/audit-log',
      hb,
    );
    const actions = audit.body.map((a) => a.action);
    for (const a of [
      'destination.create',
      'destination.update',
      'destination.rotate-secret',
      'route.import',
      'route.create',
    ]) {
      assert.ok(actions.includes(a), `${a} audited`);
    }
    assert.ok(audit.body.every((a) => a.actor.endsWith('|hb-routing-admin')));
    assert.deepEqual((await api<unknown[]>(r.url, 'GET', '/audit-log', nw)).body, []);
  });
});
