import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@amtsbote/contracts';
import { defaultNamespace } from '@amtsbote/fim';
import {
  eventually,
  EventRecorder,
  type FitConnectReplyContent,
  FitConnectSubscriber,
  TestCa,
  ZustelldienstSimulator,
} from '@amtsbote/testing';
import {
  api,
  AttachmentServer,
  blaueKarte,
  LEIKA,
  publishBlaueKarte,
  publishReady,
  type RoutingUnderTest,
  SCHEMA_DIR,
  startRouting,
  tokens,
} from './harness';

export const SCHEMA_URI = defaultNamespace(blaueKarte.schema);

export interface FachverfahrenOptions {
  ca?: TestCa;
  metadataVersion?: '1.0.0' | '2.1.0';
  decide?: 'accept' | 'reject';
  autostart?: boolean;
  replyTo?: () => FitConnectReplyContent | undefined;
  /** The Zustellpunkt offers the Leistung everywhere (no `regions`), not only for its own region. */
  nationwide?: boolean;
}

/**
 * Routing with a FIT-Connect sender client at a Zustelldienst simulator, a test PKI as trust anchor, a
 * recorder on routing's events, and Fachverfahren on FIT-Connect each with its own destination and route.
 */
export class FitConnectBed {
  readonly subscribers: FitConnectSubscriber[] = [];
  private region = 40;

  private constructor(
    readonly r: RoutingUnderTest,
    readonly zd: ZustelldienstSimulator,
    readonly recorder: EventRecorder,
    readonly files: AttachmentServer,
    readonly admin: string,
    readonly dir: string,
    /** The trust anchor routing is given, and the CA under it that issues the destinations' certificates. */
    readonly root: TestCa,
    readonly issuing: TestCa,
  ) {}

  /** `extraEnv(dir, zd)`: more routing settings, with files written into the bed's directory. */
  static async start(
    database: string,
    extraEnv: (dir: string, zd: ZustelldienstSimulator) => Record<string, string> = () => ({}),
  ): Promise<FitConnectBed> {
    const zd = await ZustelldienstSimulator.start();
    const dir = mkdtempSync(join(tmpdir(), 'amtsbote-fitconnect-'));
    writeFileSync(join(dir, 'fc-sender'), zd.addClient('amtsbote-sender', 'sender'));
    const root = TestCa.create('Amtsbote Test Root CA');
    writeFileSync(join(dir, 'anchors.pem'), root.pem);
    const r = await startRouting(database, {
      ROUTING_FITCONNECT_SECRETS_DIR: dir,
      ROUTING_FITCONNECT_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
      ROUTING_FITCONNECT_FOLLOW_UP_MS: '150',
      ROUTING_MAX_ATTEMPTS: '8',
      ...extraEnv(dir, zd),
    });
    const recorder = await EventRecorder.start(r.topicPrefix, [TOPICS.routing]);
    const files = await AttachmentServer.start();
    await publishBlaueKarte(r.topicPrefix);
    const admin = await tokens.admin();
    // Routing knows the FIM schema before the first submission: with the bed's few, fast retries a
    // catalog consumer that waits out a slow first database connection would otherwise dead-letter it.
    await eventually(
      async () =>
        (await api(r.url, 'GET', '/fim-schemas/S00000121/1.0/xsd', admin)).status === 200 ? true : undefined,
      { what: 'routing to compile the FIM schema' },
    );
    const issuing = TestCa.create('Amtsbote Test Issuing CA', root);
    return new FitConnectBed(r, zd, recorder, files, admin, dir, root, issuing);
  }

  async close(): Promise<void> {
    for (const s of this.subscribers) s.stop();
    await this.recorder?.stop();
    await this.files?.close();
    await this.r?.close();
    await this.zd?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A Zustellpunkt at the Zustelldienst for a region of its own (2-digit ARS), unknown to routing. */
  zustellpunkt(o: FachverfahrenOptions = {}): { sub: FitConnectSubscriber; ars: string } {
    const ars = String(this.region++).padStart(2, '0');
    const sub = new FitConnectSubscriber({
      zustelldienst: this.zd,
      ca: o.ca ?? this.issuing,
      schemaDir: SCHEMA_DIR,
      metadataVersions: o.metadataVersion === '1.0.0' ? ['1.0.0'] : ['2.1.0'],
      publicServices: [
        {
          name: 'Blaue Karte EU',
          identifier: `urn:de:fim:leika:leistung:${LEIKA}`,
          ...(o.nationwide ? {} : { regions: [`DE${ars}`] }),
          submissionSchemas: [{ schemaUri: SCHEMA_URI, mimeType: 'application/json' }],
        },
      ],
      validateData: (data) =>
        blaueKarte.validate(data as Record<string, unknown>).errors.map((e) => `${e.path} ${e.message.en}`),
      decide: o.decide === undefined ? undefined : () => o.decide!,
      replyTo: o.replyTo,
    });
    this.subscribers.push(sub);
    if (o.autostart !== false) sub.start(100);
    return { sub, ars };
  }

  /** A Fachverfahren on FIT-Connect with a routing destination and route of its own (own ARS region). */
  async fachverfahren(id: string, o: FachverfahrenOptions = {}) {
    const { sub, ars } = this.zustellpunkt(o);
    const created = await api(this.r.url, 'POST', '/destinations', this.admin, {
      id,
      name: 'Stadtamt Bremen - Ausländerbehörde',
      identity: 'psw:04011000',
      channel: 'fit-connect',
      format: 'fit-connect-json',
      alertContact: 'fv-betrieb@bremen.example',
      channelSettings: {
        destinationId: sub.destinationId,
        submissionApiUrl: this.zd.url,
        tokenUrl: this.zd.tokenUrl,
        clientId: 'amtsbote-sender',
        clientSecretRef: 'fc-sender',
        ...(o.metadataVersion ? { metadataVersion: o.metadataVersion } : {}),
      },
    });
    assert.equal(created.status, 201, created.text);
    const route = await api(this.r.url, 'POST', '/routes', this.admin, {
      leikaKey: LEIKA,
      ars,
      destinationId: id,
    });
    assert.equal(route.status, 201, route.text);
    return {
      sub,
      ars,
      publish: (attachments: Parameters<typeof publishReady>[1] = {}) =>
        publishReady(this.r.topicPrefix, { ars: `${ars}${'0'.repeat(10)}`, ...attachments }),
    };
  }

  submissionsTo(sub: FitConnectSubscriber) {
    return [...this.zd.submissions.values()].filter((s) => s.destinationId === sub.destinationId);
  }
}
