/**
 * The demo journey (issue 9 §1) as a test across the four real services, in-process on a fresh database
 * with their own topic prefix, against the shared local stack (Kafka, PostgreSQL, OIDC provider) and the
 * two simulators over loopback HTTP. The steps are the demo's own (journey.ts); each throws on an
 * unexpected answer, and the outcome is asserted here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { accountsService } from '@amtsbote/accounts';
import { intakeService } from '@amtsbote/intake';
import { paymentService } from '@amtsbote/payment';
import { routingService } from '@amtsbote/routing';
import {
  devSchemaDir,
  FachverfahrenSimulator,
  freshDatabase,
  OIDC_ISSUER,
  type PaymentSimulator,
  serviceTestEnv,
  type ServiceUnderTest,
  startPaymentSimulator,
  startService,
  type TestDatabase,
  uniqueName,
} from '@amtsbote/testing';
import { DEMO, type JourneyResult, type JourneyTargets, seedDemo, walkCitizen } from './journey';

describe('the demo journey: Bewohnerparkausweis from the form to the Bescheid', () => {
  let db: TestDatabase;
  let dir: string;
  let paySim: PaymentSimulator;
  let fvSim: FachverfahrenSimulator;
  const services: Array<ServiceUnderTest<unknown>> = [];
  let targets: JourneyTargets;
  let result: JourneyResult;
  const trail: string[] = [];

  before(async () => {
    db = await freshDatabase('demo_journey');
    dir = mkdtempSync(join(tmpdir(), 'amtsbote-journey-'));
    const topicPrefix = `${uniqueName('journey').replace(/_/g, '-')}.`;
    const destinationSecret = randomBytes(32).toString('base64url');
    paySim = await startPaymentSimulator();
    fvSim = await FachverfahrenSimulator.start({
      secret: destinationSecret,
      schemaDir: devSchemaDir(),
      autoRespond: true,
    });
    const env = (extra: Record<string, string>) =>
      serviceTestEnv({ databaseUrl: db.url, topicPrefix, extra: { LOG_LEVEL: 'error', ...extra } });
    // One after the other: their migrations share the database (each in its own schema).
    const intake = await startService(
      intakeService,
      env({ INTAKE_STORAGE_DIR: join(dir, 'intake'), INTAKE_MAINTENANCE_INTERVAL_SECONDS: '0' }),
    );
    const accounts = await startService(
      accountsService,
      env({ ACCOUNTS_STORAGE_DIR: join(dir, 'accounts'), ACCOUNTS_WORKER_INTERVAL_MS: '200' }),
    );
    const payment = await startService(paymentService, env({ PAYMENT_RECONCILE_INTERVAL_SECONDS: '3600' }));
    const routing = await startService(
      routingService,
      env({ XOEV_SCHEMA_DIR: devSchemaDir(), ROUTING_DELIVERY_POLL_MS: '100' }),
    );
    services.push(intake, accounts, payment, routing);
    fvSim.configureRouting({
      url: routing.url,
      issuer: OIDC_ISSUER,
      clientId: 'fv-bremen-parken',
      clientSecret: 'fv-bremen-parken-secret',
    });
    targets = {
      issuer: OIDC_ISSUER,
      intake: intake.url,
      accounts: accounts.url,
      payment: payment.url,
      routing: routing.url,
      paymentSimulator: paySim.url,
      fachverfahren: fvSim.url,
      destinationSecret,
      waitMs: 60_000,
    };
  });

  after(async () => {
    for (const s of services.reverse()) await s.close().catch(() => undefined);
    await fvSim?.stop();
    await paySim?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the admins seed tenant, FIM schema, Leistung, fee, destination and route through the APIs', async () => {
    const steps = await seedDemo(targets, (l) => trail.push(l));
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
    await seedDemo(targets, () => undefined);
  });

  it('anna applies, pays, and the application reaches the Fachverfahren as a valid xdomea message', async () => {
    result = await walkCitizen(targets, (l) => trail.push(l));
    assert.match(result.vorgangsnummer, /^HB-\d{4}-\d{6}$/);
    const statuses = result.intakeTimeline.map((e) => e.status);
    assert.deepEqual(statuses, [
      'SUBMITTED',
      'AWAITING_PAYMENT',
      'READY',
      'ROUTED',
      'DELIVERED',
      'RECEIVED',
      'PROCESSING',
      'COMPLETED',
    ]);
    const tx = paySim.transactions().find((t) => t.amountCents === DEMO.feeCents);
    assert.equal(tx?.status, 'PAYED');
    const received = fvSim.received.get(result.messageId);
    assert.ok(received, 'the simulator keeps the message');
    assert.equal(received.envelope.format, 'xdomea-3.0');
    assert.equal(received.envelope.vorgangsnummer, result.vorgangsnummer);
    assert.equal(received.validation.valid, true, received.validation.problems.join('\n'));
    assert.ok(
      [...(received.zipEntries?.keys() ?? [])].some((name) => name.endsWith('meldebescheinigung.pdf')),
      'the proof of residence travels inside the xdomea ZIP',
    );
    assert.deepEqual(
      fvSim.responses.map((r) => r.status).filter((s) => s >= 300),
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
});
