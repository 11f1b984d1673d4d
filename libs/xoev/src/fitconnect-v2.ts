import { defaultNamespace } from '@amtsbote/fim';
import { deterministicUuid, sha512Hex, type SubmissionMessageInput } from './message-input';
import { buildFitConnectSubmission, type FitConnectMetadata, type FitConnectOptions } from './fitconnect';

export const FIT_CONNECT_METADATA_2_1_0 =
  'https://schema.fitko.de/fit-connect/metadata/2.1.0/metadata.schema.json';

/**
 * The data set Amtsbote adds to metadata 2.x (`dataSets[]`): what 1.0.0 carried in `publicServiceType`,
 * `authenticationInformation` and `additionalReferenceInfo.senderReference`, which 2.1.0 no longer has.
 */
export const AMTSBOTE_DATASET_SCHEMA = 'urn:de:amtsbote:fit-connect:dataset:vorgang:1.0';

/** FIT-Connect metadata 2.1.0 as Amtsbote fills it. */
export interface FitConnectMetadataV2 {
  $schema: typeof FIT_CONNECT_METADATA_2_1_0;
  contentStructure: FitConnectMetadata['contentStructure'];
  author: {
    name: string;
    url?: string;
    product: { name: string; version: string; manufacturer: string };
  };
  dataSets: Array<{
    dataSetId: string;
    schema: { schemaUri: string; mimeType: 'application/json' };
    hash: { type: 'sha512'; content: string };
    content: unknown;
  }>;
  paymentInformation?: FitConnectMetadata['paymentInformation'];
  replyChannel?:
    | { idBundDeMailbox: { mailboxUuid: string } }
    | { fink: { finkPostfachRef: string; host?: string } }
    | { fitConnect: FitConnectReplyChannel };
  additionalReferenceInfo: {
    senderReference: string;
    applicationDate: string;
    idBundDeApplicationId?: string;
    zustimmungZumDigitalenBescheid?: boolean;
  };
}

/** A reply channel over FIT-Connect: the sender's key the Fachverfahren encrypts its replies to. */
export interface FitConnectReplyChannel {
  processStandards: string[];
  encryptionPublicKey: {
    kty: 'RSA';
    kid: string;
    alg: 'RSA-OAEP-256';
    key_ops: string[];
    n: string;
    e: string;
  };
}

/** The reply data standard Amtsbote offers on a FIT-Connect reply channel (kind, subject, body as JSON). */
export const AMTSBOTE_REPLY_PROCESS_STANDARD = 'urn:de:amtsbote:fit-connect:reply:1.0';

/** What a citizen signed in with BundID/DeutschlandID gives FIT-Connect 2.x (from the identity token). */
export interface IdBundDeReferences {
  mailboxUuid?: string;
  applicationId?: string;
  /** The citizen's explicit consent to a digital Bescheid; false when refused, absent when not asked. */
  digitalBescheidConsent?: boolean;
}

export type V2Options = FitConnectOptions & {
  idBundDe?: IdBundDeReferences;
  /** Offer replies over FIT-Connect, encrypted to this key (2.1.0 only). */
  fitConnectReply?: FitConnectReplyChannel;
};

/**
 * Metadata 2.1.0 for the same submission as {@link buildFitConnectSubmission}'s 1.0.0: `$schema`, `author`,
 * the hashes of data and attachments, Amtsbote's `dataSets` entry, payment, reply channel (the citizen's
 * BundID mailbox when known, Amtsbote's Postkorb otherwise) and reference info (with the DeutschlandID
 * application id and the consent to a digital Bescheid when given). 1.0.0 has none of the three.
 */
export function buildFitConnectMetadataV2(
  input: SubmissionMessageInput,
  data: string,
  base: FitConnectMetadata,
  options: V2Options = {},
): FitConnectMetadataV2 {
  const content = {
    vorgangsnummer: input.vorgangsnummer,
    submissionId: input.submissionId,
    publicServiceType: base.publicServiceType,
    region: input.ars,
    applicant: { kind: input.applicant.kind, trustLevel: input.applicant.trustLevel },
    fimSchema: defaultNamespace(input.schema),
  };
  const id = options.idBundDe;
  return {
    $schema: FIT_CONNECT_METADATA_2_1_0,
    contentStructure: {
      ...base.contentStructure,
      data: { ...base.contentStructure.data, hash: { type: 'sha512', content: sha512Hex(data) } },
    },
    author: {
      name: input.sender.name,
      ...(options.replyHost === undefined ? {} : { url: options.replyHost }),
      product: {
        name: input.product.name,
        version: input.product.version,
        manufacturer: input.product.vendor,
      },
    },
    dataSets: [
      {
        dataSetId: deterministicUuid('fit-connect-dataset', input.messageId),
        schema: { schemaUri: AMTSBOTE_DATASET_SCHEMA, mimeType: 'application/json' },
        hash: { type: 'sha512', content: sha512Hex(JSON.stringify(content)) },
        content,
      },
    ],
    ...(base.paymentInformation ? { paymentInformation: base.paymentInformation } : {}),
    // replyChannel holds exactly one channel: the citizen's own DeutschlandID mailbox comes first (what the
    // citizen signed in with), then FIT-Connect's (replies reach the Postkorb), then the Postkorb as FINK.
    ...(id?.mailboxUuid
      ? { replyChannel: { idBundDeMailbox: { mailboxUuid: id.mailboxUuid } } }
      : options.fitConnectReply
        ? { replyChannel: { fitConnect: options.fitConnectReply } }
        : base.replyChannel
          ? { replyChannel: base.replyChannel }
          : {}),
    additionalReferenceInfo: {
      senderReference: input.vorgangsnummer,
      applicationDate: input.submittedAt.slice(0, 10),
      ...(id?.applicationId ? { idBundDeApplicationId: id.applicationId } : {}),
      ...(id?.digitalBescheidConsent === undefined
        ? {}
        : { zustimmungZumDigitalenBescheid: id.digitalBescheidConsent }),
    },
  };
}

/** The metadata versions Amtsbote writes; 2.1.0 unless a destination asks for 1.x. */
export const FIT_CONNECT_METADATA_VERSIONS = ['2.1.0', '1.0.0'] as const;
export type FitConnectMetadataVersion = (typeof FIT_CONNECT_METADATA_VERSIONS)[number];

/** The FIM data as JSON and the metadata of the version asked for. */
export function buildFitConnectSubmissionOf(
  version: FitConnectMetadataVersion,
  input: SubmissionMessageInput,
  options: V2Options = {},
): { data: string; metadata: FitConnectMetadata | FitConnectMetadataV2 } {
  const v1 = buildFitConnectSubmission(input, options);
  if (version === '1.0.0') return v1;
  return { data: v1.data, metadata: buildFitConnectMetadataV2(input, v1.data, v1.metadata, options) };
}
