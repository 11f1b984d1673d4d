import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { catalogSchemaPublishedV1, type EventPayload, submissionReadyV1 } from '@amtsbote/contracts';
import { compileValidator, type FimValidator, parseSchema } from '@amtsbote/fim';
import { routingService, type RoutingConfig } from '../src';
import {
  type AppUnderTest,
  clientCredentialsToken,
  DEV_CLIENTS,
  mintToken,
  OIDC_ISSUER,
  publishTestEvent,
  repoRoot,
  type ServiceUnderTest,
  startAppUnderTest,
} from '@amtsbote/testing';
import {
  fimDataSchemaSet,
  fimMessageSchemaSet,
  fitConnectMetadataSchema,
  prepareFimSchema,
  type PreparedFimSchema,
  XmllintWasmEngine,
  xdomeaSchemaSet,
} from '@amtsbote/xoev';
import * as testing from '@amtsbote/testing';

/** The Fachverfahren simulator of @amtsbote/testing. */
export const simulatorModule = testing;
export type FachverfahrenSimulator = testing.FachverfahrenSimulator;
export type ReceivedMessage = testing.FachverfahrenReceivedMessage;
export type ValidationOutcome = testing.FachverfahrenValidationOutcome;

/** The shared fixtures next to the repository, read at run time. */
export const SCHEMA_DIR = join(repoRoot(), '..', 'shared', 'fixtures');
export const BLAUE_KARTE_XDF = readFileSync(join(SCHEMA_DIR, 'fim-xdf2', 'BlaueKarte.xml'), 'utf8');
export const blaueKarte: FimValidator = compileValidator(parseSchema(BLAUE_KARTE_XDF));
export const blaueKartePrepared: PreparedFimSchema = prepareFimSchema(blaueKarte.schema);
export const LEIKA = '99010001001000';

export type RoutingService = ServiceUnderTest<RoutingConfig>;

/** The routing service under test (the same shape as every app's harness). */
export type RoutingUnderTest = AppUnderTest<RoutingConfig>;

/** Settings that make retries and sweeps fast enough for tests. */
export const FAST = {
  XOEV_SCHEMA_DIR: SCHEMA_DIR,
  ROUTING_DELIVERY_POLL_MS: '50',
  ROUTING_RETRY_BASE_MS: '100',
  ROUTING_RETRY_MAX_MS: '300',
  ROUTING_MAX_ATTEMPTS: '4',
  ROUTING_PUSH_TIMEOUT_MS: '8000',
  ROUTING_MAINTENANCE_INTERVAL_MS: '250',
};

/** routing on the real stack with fast retries and sweeps: its own database and topics. */
export function startRouting(label: string, extra: Record<string, string> = {}): Promise<RoutingUnderTest> {
  return startAppUnderTest(routingService, { service: 'routing', label, env: { ...FAST, ...extra } });
}

export async function publishBlaueKarte(topicPrefix: string): Promise<void> {
  await publishTestEvent({
    topicPrefix,
    contract: catalogSchemaPublishedV1,
    subject: 'S00000121',
    // publishTestEvent spreads `id: undefined` over the generated id (newEvent); always pass one.
    id: randomUUID(),
    data: {
      schemaId: 'S00000121',
      version: '1.0',
      xdf: BLAUE_KARTE_XDF,
      publishedAt: new Date().toISOString(),
    },
  });
}

export const tokens = {
  admin: (user: 'hb-routing-admin' | 'nw-routing-admin' | 'operator' | 'anna' = 'hb-routing-admin') =>
    mintToken(OIDC_ISSUER, user),
  client: (
    id: 'fv-bremen-parken' | 'fv-other',
    scope = 'routing.pull routing.receipt routing.status routing.reply',
  ) => clientCredentialsToken(OIDC_ISSUER, id, DEV_CLIENTS[id].clientSecret, scope),
};

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export async function api<T = unknown>(
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  contentType = 'application/json',
): Promise<ApiResponse<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

/** Serves attachment bytes like intake's signed URLs do; counts fetches. */
export class AttachmentServer {
  readonly fetches = new Map<string, number>();
  private readonly files = new Map<string, Buffer>();
  private constructor(
    private readonly server: Server,
    readonly base: string,
  ) {}

  static async start(): Promise<AttachmentServer> {
    const holder: { self?: AttachmentServer } = {};
    const server = createServer((req, res) => {
      const self = holder.self!;
      const id = (req.url ?? '').split('/').pop()?.split('?')[0] ?? '';
      const content = self.files.get(id);
      self.fetches.set(id, (self.fetches.get(id) ?? 0) + 1);
      if (content === undefined) {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': content.length })
        .end(content);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    holder.self = new AttachmentServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.self;
  }

  /** A file reference as intake would put it into `submission.ready`. */
  add(
    filename: string,
    mediaType: string,
    content: Buffer,
  ): EventPayload<typeof submissionReadyV1>['attachments'][number] {
    const fileId = randomUUID();
    this.files.set(fileId, content);
    return {
      fileId,
      filename,
      mediaType,
      size: content.length,
      sha512: createHash('sha512').update(content).digest('hex'),
      url: `${this.base}/files/${fileId}?signature=test`,
      urlExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
    };
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

export function readyPayload(
  overrides: Partial<EventPayload<typeof submissionReadyV1>> = {},
): EventPayload<typeof submissionReadyV1> {
  const submissionId = overrides.submissionId ?? randomUUID();
  return {
    submissionId,
    vorgangsnummer: `HB-2026-${submissionId.slice(0, 6).toUpperCase()}`,
    tenant: 'hb',
    leikaKey: LEIKA,
    leistungName: 'Blaue Karte EU',
    ars: '040110000000',
    applicant: { ownerKey: 'http://127.0.0.1:4400|anna', kind: 'person', trustLevel: 3 },
    submittedAt: new Date().toISOString(),
    fimSchema: { id: 'S00000121', version: '1.0' },
    data: blaueKarte.sample(),
    attachments: [],
    ...overrides,
  };
}

export async function publishReady(
  topicPrefix: string,
  overrides: Partial<EventPayload<typeof submissionReadyV1>> = {},
): Promise<EventPayload<typeof submissionReadyV1>> {
  const data = readyPayload(overrides);
  await publishTestEvent({
    topicPrefix,
    contract: submissionReadyV1,
    subject: data.submissionId,
    tenant: data.tenant,
    id: randomUUID(),
    data,
  });
  return data;
}

/** A destination as the admin API takes it. */
export function destinationBody(o: {
  id: string;
  format: 'xdomea-3.0' | 'fim-xml' | 'fit-connect-json';
  channel: 'http-push' | 'pull';
  endpointUrl?: string;
  callbackUrl?: string;
  publicKey?: object;
  tenant?: string;
}): Record<string, unknown> {
  return {
    id: o.id,
    tenant: o.tenant,
    name: 'Stadtamt Bremen - Ausländerbehörde',
    identity: 'psw:04011000',
    channel: o.channel,
    format: o.format,
    endpointUrl: o.endpointUrl,
    callbackUrl: o.callbackUrl,
    publicKey: o.publicKey,
    alertContact: 'fv-betrieb@bremen.example',
  };
}

/** Registers a destination and its nationwide-default route for the BlaueKarte LeiKa key; returns its secret. */
export async function registerDestination(
  base: string,
  adminToken: string,
  body: Record<string, unknown>,
  ars: string | null = null,
): Promise<string> {
  const created = await api<{ secret: string }>(base, 'POST', '/destinations', adminToken, body);
  if (created.status !== 201) throw new Error(`destination: ${created.status} ${created.text}`);
  const route = await api(base, 'POST', '/routes', adminToken, {
    leikaKey: LEIKA,
    ars,
    destinationId: body.id,
  });
  if (route.status !== 201) throw new Error(`route: ${route.status} ${route.text}`);
  return created.body.secret;
}

const reference = new XmllintWasmEngine();

/**
 * The receiving side's schema check, independent of routing's delivery-path validator: xmllint-wasm for
 * every XML (the xdomea message, its Antrag, the fim-xml message) and the official JSON Schema for FIT-Connect
 * metadata. Plugged into the simulator.
 */
export async function referenceValidation(m: ReceivedMessage): Promise<ValidationOutcome> {
  const checked: string[] = [];
  const problems: string[] = [];
  const xsd = async (set: Parameters<XmllintWasmEngine['compile']>[0], xml: string) => {
    const report = await (await reference.compile(set)).validate(xml);
    checked.push(`${set.id} (xmllint-wasm)`);
    problems.push(...report.issues.map((i) => `${set.id}: ${i.message}`));
    return report.valid;
  };
  let valid = true;
  switch (m.envelope.format) {
    case 'xdomea-3.0':
      valid = (await xsd(xdomeaSchemaSet(SCHEMA_DIR), m.xml!.message)) && valid;
      valid = (await xsd(fimDataSchemaSet(blaueKartePrepared), m.xml!.antrag!)) && valid;
      break;
    case 'fim-xml':
      valid = (await xsd(fimMessageSchemaSet(blaueKartePrepared, SCHEMA_DIR), m.xml!.message)) && valid;
      break;
    case 'fit-connect-json': {
      const version = '$schema' in (m.metadata as object) ? '2.1.0' : '1.0.0';
      const report = fitConnectMetadataSchema(SCHEMA_DIR, version).validate(m.metadata);
      checked.push(`fitconnect-metadata-${version} (ajv)`);
      problems.push(...report.issues.map((i) => i.message));
      valid = report.valid && blaueKarte.validate(JSON.parse(m.payload.toString('utf8'))).valid;
      break;
    }
    default:
      break;
  }
  return { valid, checked, problems };
}

export async function startSimulator(
  o: Partial<testing.FachverfahrenSimulatorOptions> = {},
): Promise<FachverfahrenSimulator> {
  return simulatorModule.FachverfahrenSimulator.start({ validate: referenceValidation, ...o });
}
