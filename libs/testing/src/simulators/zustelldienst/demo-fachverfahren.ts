import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimalPdf } from '../../harness/pdf';
import { FitConnectSubscriber } from './subscriber';
import { TestCa } from './test-pki';
import { ZustelldienstSimulator } from './zustelldienst';

export interface FitConnectFachverfahrenOptions {
  /** Where routing's files go: `fc-sender` (client secret), `anchors.pem`, then `destination.json`. */
  outDir: string;
  schemaDir: string;
  leikaKey: string;
  /** `DE` + ARS prefix the destination serves. */
  region: string;
  /** The FIM schema URI routing writes into the metadata's `submissionSchema`. */
  schemaUri: string;
  name?: string;
  port?: number;
}

export interface FitConnectFachverfahren {
  zd: ZustelldienstSimulator;
  sub: FitConnectSubscriber;
  /** The `channelSettings` of a routing destination for this Fachverfahren. */
  channelSettings: Record<string, string>;
  /** Routing's settings for it (secrets dir and trust anchors in `outDir`). */
  routingEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The demo's Fachverfahren on FIT-Connect: a Zustelldienst simulator with one destination whose subscriber
 * accepts what passes its checks and answers each accepted submission with a Bescheid (PDF) on the case.
 */
export async function startFitConnectFachverfahren(
  o: FitConnectFachverfahrenOptions,
): Promise<FitConnectFachverfahren> {
  const zd = await ZustelldienstSimulator.start({ port: o.port ?? 0 });
  const root = TestCa.create('Amtsbote Demo Root CA');
  const name = o.name ?? 'Bewohnerparkausweis';
  const sub = new FitConnectSubscriber({
    zustelldienst: zd,
    ca: TestCa.create('Amtsbote Demo Issuing CA', root),
    schemaDir: o.schemaDir,
    metadataVersions: ['2.1.0', '1.0.0'],
    publicServices: [
      {
        name,
        identifier: `urn:de:fim:leika:leistung:${o.leikaKey}`,
        regions: [o.region],
        submissionSchemas: [{ schemaUri: o.schemaUri, mimeType: 'application/json' }],
      },
    ],
    replyTo: () => ({
      kind: 'BESCHEID',
      subject: `Bescheid: ${name} (über FIT-Connect)`,
      body: 'Ihrem Antrag wird stattgegeben. Der Bescheid liegt als PDF bei.',
      attachments: [
        {
          filename: 'bescheid.pdf',
          mediaType: 'application/pdf',
          content: minimalPdf(`Bescheid ${name}: bewilligt (zugestellt über FIT-Connect)`),
        },
      ],
    }),
  });
  sub.start(250);
  writeFileSync(join(o.outDir, 'fc-sender'), zd.addClient('amtsbote-sender', 'sender'));
  writeFileSync(join(o.outDir, 'anchors.pem'), root.pem);
  const channelSettings = {
    destinationId: sub.destinationId,
    submissionApiUrl: zd.url,
    tokenUrl: zd.tokenUrl,
    clientId: 'amtsbote-sender',
    clientSecretRef: 'fc-sender',
  };
  writeFileSync(join(o.outDir, 'destination.json'), JSON.stringify(channelSettings));
  return {
    zd,
    sub,
    channelSettings,
    routingEnv: {
      ROUTING_FITCONNECT_SECRETS_DIR: o.outDir,
      ROUTING_FITCONNECT_TRUST_ANCHORS_FILE: join(o.outDir, 'anchors.pem'),
    },
    stop: async () => {
      sub.stop();
      await zd.stop();
    },
  };
}
