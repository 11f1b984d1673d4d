/**
 * The demo journey (issue 9 §1) as a test across the four real services, in-process on a fresh database
 * with their own topic prefix, against the shared local stack (Kafka, PostgreSQL, OIDC provider) and the
 * two simulators over loopback HTTP. The steps are the demo's own (journey.ts); each throws on an
 * unexpected answer, and the outcome is asserted here.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultNamespace, parseSchema } from '@amtsbote/fim';
import { devSchemaDir, type FitConnectFachverfahren, startFitConnectFachverfahren } from '@amtsbote/testing';
import {
  DEMO,
  type JourneyResult,
  PAID_AND_COMPLETED,
  seedDemo,
  seedFitConnect,
  walkCitizen,
} from './journey';
import { startSystem, type System } from './system';

describe('the demo journey: Bewohnerparkausweis from the form to the Bescheid', () => {
  let sys: System;
  let result: JourneyResult;
  let fc: FitConnectFachverfahren;
  const trail: string[] = [];
  const fcDir = mkdtempSync(join(tmpdir(), 'amtsbote-demo-journey-fc-'));

  before(async () => {
    // The second walk's Fachverfahren on FIT-Connect, and routing's reply key pair for its answers.
    fc = await startFitConnectFachverfahren({
      outDir: fcDir,
      schemaDir: devSchemaDir(),
      leikaKey: DEMO.leikaKey,
      region: `DE${DEMO.region}`,
      schemaUri: defaultNamespace(parseSchema(readFileSync(DEMO.schemaFile, 'utf8'))),
    });
    const key = generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey.export({ format: 'jwk' });
    writeFileSync(
      join(fcDir, 'reply-keys.json'),
      JSON.stringify({ keys: [{ ...key, kid: 'journey-reply-key', alg: 'RSA-OAEP-256' }] }),
    );
    sys = await startSystem({
      label: 'demo_journey',
      env: {
        routing: {
          ...fc.routingEnv,
          ROUTING_FITCONNECT_REPLY_KEYS_FILE: join(fcDir, 'reply-keys.json'),
          ROUTING_FITCONNECT_FOLLOW_UP_MS: '200',
          ROUTING_FITCONNECT_REPLY_POLL_MS: '300',
        },
      },
    });
  });

  after(async () => {
    await sys?.stop();
    await fc?.stop();
    rmSync(fcDir, { recursive: true, force: true });
  });
  it('the admins seed tenant, FIM schema, Leistung, fee, destination and route through the APIs', async () => {
    const steps = await seedDemo(sys.targets, (l) => trail.push(l));
    assert.deepEqual(
      steps.map((s) => s.name),
      [
        'seed: tenant',
        'seed: FIM schema',
        'seed: Leistung',
        'seed: payment provider',
        'seed: fee',
        'seed: destination',
        'seed: route',
      ],
    );
    // Seeding again changes nothing and still succeeds (the demo repeats it on the dev database).
    await seedDemo(sys.targets, () => undefined);
  });

  it('anna applies, pays, and the application reaches the Fachverfahren as a valid xdomea message', async () => {
    result = await walkCitizen(sys.targets, (l) => trail.push(l));
    assert.match(result.vorgangsnummer, /^HB-\d{4}-\d{6}$/);
    const statuses = result.intakeTimeline.map((e) => e.status);
    assert.deepEqual(statuses, PAID_AND_COMPLETED);
    const tx = sys.paySim.transactions().find((t) => t.amountCents === DEMO.feeCents);
    assert.equal(tx?.status, 'PAYED');
    const received = sys.fvSim.received.get(result.messageId);
    assert.ok(received, 'the simulator keeps the message');
    assert.equal(received.envelope.format, 'xdomea-3.0');
    assert.equal(received.envelope.vorgangsnummer, result.vorgangsnummer);
    assert.equal(received.validation.valid, true, received.validation.problems.join('\n'));
    assert.ok(
      [...(received.zipEntries?.keys() ?? [])].some((name) => name.endsWith('meldebescheinigung.pdf')),
      'the proof of residence travels inside the xdomea ZIP',
    );
    assert.deepEqual(
      sys.fvSim.responses.map((r) => r.status).filter((s) => s >= 300),
      [],
    );
  });

  it('the Postkorb shows the timeline to COMPLETED and the Bescheid with its PDF', () => {
    assert.ok(result, 'the journey ran');
    assert.equal(result.postkorbStatus, 'COMPLETED');
    assert.equal(result.postkorbOutcome, null);
    const statuses = result.postkorbTimeline.map((e) => e.status).filter((s) => s !== null);
    assert.equal(statuses[0], 'SUBMITTED');
    assert.equal(statuses.at(-1), 'COMPLETED');
    for (const s of ['ACTION_REQUIRED', 'RECEIVED', 'PROCESSING']) assert.ok(statuses.includes(s), s);
    assert.match(result.bescheid.subject, new RegExp(`^Bescheid .*${result.vorgangsnummer}`));
    assert.equal(result.bescheid.filename, 'Bescheid.pdf');
    assert.match(result.bescheid.mediaType, /^application\/pdf/);
    assert.ok(result.bescheid.bytes > 100);
    process.stdout.write(`${trail.map((l) => `  ${l}`).join('\n')}\n`);
  });

  it('moved to a Fachverfahren on FIT-Connect: accepted there, and its Bescheid reaches the Postkorb', async () => {
    await seedFitConnect(sys.targets, (l) => trail.push(l), fc.channelSettings);
    const r = await walkCitizen(sys.targets, (l) => trail.push(l), {
      fitConnect: { zustelldienst: fc.zd.url },
    });
    assert.equal(r.fachverfahren.format, 'fit-connect-json');
    const [remote] = [...fc.zd.submissions.values()];
    const received = fc.sub.received.get(remote.submissionId);
    assert.equal(received?.decision, 'accept', received?.problems.join('\n'));
    assert.equal(received.metadataVersion, '2.1.0');
    assert.equal(r.postkorbStatus, 'RECEIVED');
    assert.equal(r.bescheid.subject, 'Bescheid: Bewohnerparkausweis (über FIT-Connect)');
    assert.equal(r.bescheid.filename, 'bescheid.pdf');
    assert.match(r.bescheid.mediaType, /^application\/pdf/);
    const replies = [...fc.zd.replyDesk.replies.values()];
    assert.deepEqual(
      replies.map((x) => [x.caseId, x.accepted]),
      [[remote.caseId, true]],
      'one reply on the case, confirmed by routing',
    );
    assert.deepEqual(fc.zd.violations, []);
  });
});
