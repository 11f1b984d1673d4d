import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { routingFailedV1, routingRoutedV1, routingStatusV1 } from '@amtsbote/contracts';
import { eventually, type FitConnectSubscriber } from '@amtsbote/testing';
import { register } from 'prom-client';
import { FitConnectBed } from './fit-connect-bed';
import { api, LEIKA, publishReady, tokens } from './harness';

const UNKNOWN_LEIKA = '99123456789012';

interface Resolution {
  found: boolean;
  destinationId?: string;
  source: string;
  routingApi?: { outcome: string; fitConnectDestinationId?: string; submissionUrl?: string };
}

/** The routing destination routing provisions for a Zustellpunkt found via the Routing API. */
const provisioned = (fitConnectDestinationId: string) =>
  `hb-fc-${createHash('sha256').update(fitConnectDestinationId).digest('hex').slice(0, 16)}`;

async function lookups(outcome: string): Promise<number> {
  const metric = register.getSingleMetric('amtsbote_routing_fitconnect_routing_api_lookups_total');
  const values = (await metric?.get())?.values ?? [];
  return values
    .filter((v) => v.labels.tenant === 'hb' && v.labels.outcome === outcome)
    .reduce((n, v) => n + v.value, 0);
}

describe('Zuständigkeit from the FIT-Connect Routing API (Zustelldienst simulator)', () => {
  let bed: FitConnectBed;

  before(async () => {
    bed = await FitConnectBed.start('routing_api', (_dir, zd) => ({
      ROUTING_FITCONNECT_ROUTING_API_URL: zd.routingApiUrl,
      ROUTING_FITCONNECT_ROUTING_API_JWKS_URL: `${zd.url}/.well-known/jwks.json`,
      ROUTING_FITCONNECT_ROUTING_API_CACHE_MS: '60000',
      ROUTING_FITCONNECT_ROUTING_API_TIMEOUT_MS: '2000',
    }));
  });

  after(() => bed?.close());

  const received = (submissionId: string) =>
    eventually(async () => bed.recorder.ofType(routingStatusV1, submissionId)[0], { what: 'RECEIVED' });
  const resolve = async (ars: string, leikaKey = LEIKA) =>
    (await api<Resolution>(bed.r.url, 'GET', `/routes/resolve?leikaKey=${leikaKey}&ars=${ars}`, bed.admin))
      .body;
  const inTable = (ars: string, sub: FitConnectSubscriber, leikaKey = LEIKA) =>
    bed.zd.routing.add({
      leikaKey,
      ars,
      destinationId: sub.destinationId,
      destinationName: 'Ausländerbehörde Simstadt',
    });

  it('the tenant chooses the Routing API per Leistung: authorised, validated, visible in its settings', async () => {
    const body = {
      leikaKeys: [LEIKA, UNKNOWN_LEIKA],
      sender: { tokenUrl: bed.zd.tokenUrl, clientId: 'amtsbote-sender', clientSecretRef: 'fc-sender' },
      alertContact: 'fv-betrieb@bremen.example',
    };
    const citizen = await api(bed.r.url, 'PUT', '/routes/settings', await tokens.admin('anna'), body);
    assert.equal(citizen.status, 403);
    const otherTenant = await api(
      bed.r.url,
      'PUT',
      '/routes/settings',
      await tokens.admin('nw-routing-admin'),
      {
        ...body,
        tenant: 'hb',
      },
    );
    assert.equal(otherTenant.status, 403);
    const bad = await api<{ errors?: Array<{ path: string }> }>(
      bed.r.url,
      'PUT',
      '/routes/settings',
      bed.admin,
      {
        ...body,
        leikaKeys: ['nope'],
      },
    );
    assert.equal(bad.status, 400, bad.text);
    const noSender = await api(bed.r.url, 'PUT', '/routes/settings', bed.admin, { leikaKeys: [LEIKA] });
    assert.equal(noSender.status, 422, noSender.text);
    assert.match(noSender.text, /\/sender/);

    const put = await api(bed.r.url, 'PUT', '/routes/settings', bed.admin, body);
    assert.equal(put.status, 200, put.text);
    const got = await api<{
      leikaKeys: string[];
      routingApiConfigured: boolean;
      sender: { clientSecretRef: string };
    }>(bed.r.url, 'GET', '/routes/settings', bed.admin);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body.leikaKeys, [LEIKA, UNKNOWN_LEIKA].sort());
    assert.equal(got.body.routingApiConfigured, true);
    assert.equal(got.body.sender.clientSecretRef, 'fc-sender');
    const nw = await api<{ leikaKeys: string[] }>(
      bed.r.url,
      'GET',
      '/routes/settings',
      await tokens.admin('nw-routing-admin'),
    );
    assert.deepEqual(nw.body.leikaKeys, [], "nw does not see hb's choice");
  });

  it('a route of the Routing API is delivered via fit-connect; within the TTL the cache answers', async () => {
    const { sub, ars } = bed.zustellpunkt();
    inTable(ars, sub);
    const before = bed.zd.routing.lookups;
    const first = await publishReady(bed.r.topicPrefix, { ars: `${ars}0110000001` });
    assert.equal((await received(first.submissionId)).data.status, 'RECEIVED');
    const routed = bed.recorder.ofType(routingRoutedV1, first.submissionId)[0];
    assert.equal(routed.data.authority.destinationId, provisioned(sub.destinationId));
    assert.equal(bed.zd.routing.lookups, before + 1, 'one lookup');

    const cacheHits = await lookups('cache_hit');
    const second = await publishReady(bed.r.topicPrefix, { ars: `${ars}0110000001` });
    assert.equal((await received(second.submissionId)).data.status, 'RECEIVED');
    assert.equal(bed.zd.routing.lookups, before + 1, 'no second lookup within the TTL');
    assert.equal(await lookups('cache_hit'), cacheHits + 1);
    assert.equal(bed.submissionsTo(sub).length, 2, 'both reached the Zustellpunkt of the Routing API');

    const explained = await resolve(`${ars}0110000001`);
    assert.equal(explained.source, 'routing-api');
    assert.equal(explained.destinationId, provisioned(sub.destinationId));
    assert.equal(explained.routingApi?.outcome, 'cache_hit');
    assert.equal(explained.routingApi?.fitConnectDestinationId, sub.destinationId);
    const destination = await api<{ channel: string; channelSettings: Record<string, unknown> }>(
      bed.r.url,
      'GET',
      `/destinations/${provisioned(sub.destinationId)}`,
      bed.admin,
    );
    assert.equal(destination.body.channel, 'fit-connect');
    assert.equal(destination.body.channelSettings.submissionApiUrl, bed.zd.url);
  });

  it('an own route for the region overrides the Routing API (which is not even asked)', async () => {
    const { sub: own, ars: region, publish } = await bed.fachverfahren('hb-fc-own');
    const { sub: elsewhere } = bed.zustellpunkt();
    inTable(region, elsewhere);
    const before = bed.zd.routing.lookups;
    const sent = await publish();
    assert.equal((await received(sent.submissionId)).data.status, 'RECEIVED');
    assert.equal(
      bed.recorder.ofType(routingRoutedV1, sent.submissionId)[0].data.authority.destinationId,
      'hb-fc-own',
    );
    assert.equal(bed.submissionsTo(own).length, 1);
    assert.equal(bed.submissionsTo(elsewhere).length, 0);
    assert.equal(bed.zd.routing.lookups, before, 'no lookup');
    assert.equal((await resolve(`${region}0000000000`)).source, 'own-override');
  });

  it('unknown to the Routing API and to the own table: unroutable as today', async () => {
    const orphan = await publishReady(bed.r.topicPrefix, { leikaKey: UNKNOWN_LEIKA, ars: '990000000001' });
    const failed = await eventually(
      async () => bed.recorder.ofType(routingFailedV1, orphan.submissionId)[0],
      {
        what: 'NO_AUTHORITY',
      },
    );
    assert.equal(failed.data.code, 'NO_AUTHORITY');
    const explained = await resolve('990000000001', UNKNOWN_LEIKA);
    assert.equal(explained.found, false);
    assert.equal(explained.routingApi?.outcome, 'cache_hit', 'the miss was cached');
  });

  it('a route whose destinationSignature does not verify is not used: unroutable without a fallback', async () => {
    const { sub, ars } = bed.zustellpunkt();
    bed.zd.routing.add({ leikaKey: LEIKA, ars, destinationId: sub.destinationId, forged: true });
    const unverified = await lookups('unverified');
    const forged = await publishReady(bed.r.topicPrefix, { ars: `${ars}0000000000` });
    const failed = await eventually(
      async () => bed.recorder.ofType(routingFailedV1, forged.submissionId)[0],
      {
        what: 'NO_AUTHORITY',
      },
    );
    assert.equal(failed.data.code, 'NO_AUTHORITY');
    assert.equal(await lookups('unverified'), unverified + 1);
    assert.equal(bed.submissionsTo(sub).length, 0);
    const explained = await resolve(`${ars}0000000000`);
    assert.equal(explained.found, false);
    assert.equal(explained.routingApi?.outcome, 'cache_hit');
  });

  it('Routing API down and no own route: the submission waits, then is delivered once', async () => {
    const { sub, ars } = bed.zustellpunkt();
    inTable(ars, sub);
    bed.zd.routing.failNext(Number.POSITIVE_INFINITY, 503);
    const errors = await lookups('error');
    const waiting = await publishReady(bed.r.topicPrefix, { ars: `${ars}0000000000` });
    const explained = await api<Resolution>(
      bed.r.url,
      'GET',
      `/routes/resolve?leikaKey=${LEIKA}&ars=${ars}0000000000`,
      bed.admin,
    );
    assert.equal(explained.status, 200, 'an outage of the Routing API is no 500 for the admin');
    assert.equal(explained.body.found, false);
    assert.equal(explained.body.routingApi?.outcome, 'error');
    await eventually(async () => ((await lookups('error')) >= errors + 3 ? true : undefined), {
      what: 'the consumer retrying',
    });
    await sleep(500);
    assert.equal(bed.recorder.ofType(routingRoutedV1, waiting.submissionId).length, 0);
    assert.equal(bed.recorder.ofType(routingFailedV1, waiting.submissionId).length, 0, 'not failed, waiting');
    bed.zd.routing.restore();
    assert.equal((await received(waiting.submissionId)).data.status, 'RECEIVED');
    assert.equal(bed.submissionsTo(sub).length, 1, 'delivered exactly once');
  });

  it('Routing API down: the own nationwide default is the fallback', async () => {
    await bed.fachverfahren('hb-fc-default', { nationwide: true });
    const nationwide = await api(bed.r.url, 'POST', '/routes', bed.admin, {
      leikaKey: LEIKA,
      ars: null,
      destinationId: 'hb-fc-default',
    });
    assert.equal(nationwide.status, 201, nationwide.text);
    const { sub, ars } = bed.zustellpunkt();
    inTable(ars, sub);
    bed.zd.routing.failNext(Number.POSITIVE_INFINITY, 503);
    const fallbacks = await lookups('fallback');
    const sent = await publishReady(bed.r.topicPrefix, { ars: `${ars}0000000000` });
    assert.equal((await received(sent.submissionId)).data.status, 'RECEIVED');
    assert.equal(
      bed.recorder.ofType(routingRoutedV1, sent.submissionId)[0].data.authority.destinationId,
      'hb-fc-default',
    );
    assert.equal(bed.submissionsTo(sub).length, 0);
    assert.ok((await lookups('fallback')) > fallbacks);
    const explained = await resolve(`${ars}0000000000`);
    assert.equal(explained.source, 'own-fallback');
    assert.equal(explained.routingApi?.outcome, 'error');
    bed.zd.routing.restore();
  });
});
