/**
 * The whole system for end-to-end tests: the four real services in-process on one fresh database (each in
 * its own schema) with their own topic prefix, against the shared local stack (Kafka, PostgreSQL, OIDC
 * provider), plus the payment provider simulator and the Fachverfahren simulator over loopback HTTP.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountsService } from '@amtsbote/accounts';
import { intakeService } from '@amtsbote/intake';
import { paymentService } from '@amtsbote/payment';
import { routingService } from '@amtsbote/routing';
import {
  devSchemaDir,
  FachverfahrenSimulator,
  type FachverfahrenSimulatorOptions,
  freshDatabase,
  OIDC_ISSUER,
  type PaymentSimulator,
  serviceTestEnv,
  type ServiceUnderTest,
  startPaymentSimulator,
  startService,
  type TestDatabase,
  type TestFileStore,
  fileStoreServiceEnv,
  testFileStore,
  uniqueName,
} from '@amtsbote/testing';
import type { JourneyTargets } from './journey';

export type SystemService = 'intake' | 'accounts' | 'payment' | 'routing';

export interface SystemOptions {
  /** Database label (for finding it while debugging). */
  label: string;
  /** Extra environment per service, on top of the defaults below. */
  env?: Partial<Record<SystemService, Record<string, string>>>;
  /** Options for the Fachverfahren simulator (secret, schemaDir and autoRespond have defaults). */
  fachverfahren?: Partial<FachverfahrenSimulatorOptions>;
  /** Upper bound for each asynchronous wait of the journey steps (ms). */
  waitMs?: number;
  /**
   * Where intake, accounts and routing keep their files: default `FILE_STORE` of the test run's environment
   * (filesystem when unset); `s3` is the stack's SeaweedFS, each service under a prefix of its own.
   */
  fileStore?: TestFileStore;
}

export interface System {
  db: TestDatabase;
  topicPrefix: string;
  /** Storage directory root of intake and accounts. */
  dir: string;
  fileStore: TestFileStore;
  destinationSecret: string;
  paySim: PaymentSimulator;
  fvSim: FachverfahrenSimulator;
  services: Record<SystemService, ServiceUnderTest<unknown>>;
  targets: JourneyTargets;
  /** The environment a service of this system was (or would be) started with. */
  envOf(service: SystemService): Record<string, string>;
  /** Closes one service and starts it again with the same environment (same database and topics). */
  restart(service: SystemService): Promise<ServiceUnderTest<unknown>>;
  stop(): Promise<void>;
}

const DEFINITIONS = {
  intake: intakeService,
  accounts: accountsService,
  payment: paymentService,
  routing: routingService,
} as const;

function start(service: SystemService, env: Record<string, string>): Promise<ServiceUnderTest<unknown>> {
  switch (service) {
    case 'intake':
      return startService(DEFINITIONS.intake, env);
    case 'accounts':
      return startService(DEFINITIONS.accounts, env);
    case 'payment':
      return startService(DEFINITIONS.payment, env);
    case 'routing':
      return startService(DEFINITIONS.routing, env);
  }
}

/** Starts the simulators and the four services; `stop()` undoes all of it. */
export async function startSystem(o: SystemOptions): Promise<System> {
  const db = await freshDatabase(o.label);
  const dir = mkdtempSync(join(tmpdir(), `amtsbote-${o.label.replace(/[^a-z0-9]+/gi, '-')}-`));
  const topicPrefix = `${uniqueName(o.label).replace(/_/g, '-')}.`;
  const destinationSecret = randomBytes(32).toString('base64url');
  const paySim = await startPaymentSimulator();
  const fvSim = await FachverfahrenSimulator.start({
    secret: destinationSecret,
    schemaDir: devSchemaDir(),
    autoRespond: true,
    ...o.fachverfahren,
  });
  const defaults: Record<SystemService, Record<string, string>> = {
    intake: { INTAKE_STORAGE_DIR: join(dir, 'intake'), INTAKE_MAINTENANCE_INTERVAL_SECONDS: '0' },
    accounts: { ACCOUNTS_STORAGE_DIR: join(dir, 'accounts'), ACCOUNTS_WORKER_INTERVAL_MS: '200' },
    payment: { PAYMENT_RECONCILE_INTERVAL_SECONDS: '3600' },
    routing: { XOEV_SCHEMA_DIR: devSchemaDir(), ROUTING_DELIVERY_POLL_MS: '100' },
  };
  const fileStore = o.fileStore ?? testFileStore();
  const stores = {
    intake: fileStoreServiceEnv(fileStore, `${o.label}-intake`),
    accounts: fileStoreServiceEnv(fileStore, `${o.label}-accounts`),
    payment: {},
    routing: fileStoreServiceEnv(fileStore, `${o.label}-routing`),
  };
  const envOf = (service: SystemService): Record<string, string> =>
    serviceTestEnv({
      databaseUrl: db.url,
      topicPrefix,
      extra: { LOG_LEVEL: 'error', ...defaults[service], ...stores[service], ...o.env?.[service] },
    });

  const services: Partial<Record<SystemService, ServiceUnderTest<unknown>>> = {};
  const stop = async (): Promise<void> => {
    for (const name of ['routing', 'payment', 'accounts', 'intake'] as const) {
      await services[name]?.close().catch(() => undefined);
    }
    await fvSim.stop();
    await paySim.close();
    await db.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // One after the other: their migrations share the database (each in its own schema).
    for (const name of ['intake', 'accounts', 'payment', 'routing'] as const) {
      services[name] = await start(name, envOf(name));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const all = services as Record<SystemService, ServiceUnderTest<unknown>>;
  fvSim.configureRouting({
    url: all.routing.url,
    issuer: OIDC_ISSUER,
    clientId: 'fv-bremen-parken',
    clientSecret: 'fv-bremen-parken-secret',
  });
  const targets: JourneyTargets = {
    issuer: OIDC_ISSUER,
    intake: all.intake.url,
    accounts: all.accounts.url,
    payment: all.payment.url,
    routing: all.routing.url,
    paymentSimulator: paySim.url,
    fachverfahren: fvSim.url,
    destinationSecret,
    waitMs: o.waitMs ?? 60_000,
  };
  return {
    db,
    topicPrefix,
    dir,
    fileStore,
    destinationSecret,
    paySim,
    fvSim,
    services: all,
    targets,
    envOf,
    async restart(service) {
      await all[service].close();
      // A restarted service gets a new port; the targets follow it.
      all[service] = await start(service, envOf(service));
      targets[service] = all[service].url;
      if (service === 'routing') {
        fvSim.configureRouting({
          url: all.routing.url,
          issuer: OIDC_ISSUER,
          clientId: 'fv-bremen-parken',
          clientSecret: 'fv-bremen-parken-secret',
        });
      }
      return all[service];
    },
    stop,
  };
}
