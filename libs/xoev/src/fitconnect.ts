import { defaultNamespace } from '@amtsbote/fim';
import { sha512Hex, type SubmissionMessageInput } from './message-input';

/** FIT-Connect metadata 1.0.0 as Amtsbote fills it (only the parts it knows). */
export interface FitConnectMetadata {
  contentStructure: {
    data: {
      hash: { type: 'sha512'; content: string };
      submissionSchema: { schemaUri: string; mimeType: 'application/json' | 'application/xml' };
    };
    attachments: Array<{
      hash: { type: 'sha512'; content: string };
      purpose: 'form' | 'attachment' | 'report';
      filename?: string;
      mimeType: string;
      attachmentId: string;
    }>;
  };
  publicServiceType: { name?: string; identifier: string };
  authenticationInformation?: Array<{ type: 'identificationReport'; version: string; content: string }>;
  paymentInformation?: {
    transactionReference: string;
    transactionId: string;
    transactionUrl?: string;
    paymentMethod: string;
    paymentMethodDetail?: string;
    status: 'INITIAL' | 'BOOKED' | 'FAILED' | 'CANCELED';
    grossAmount?: number;
  };
  replyChannel?: { fink: { finkPostfachRef: string; host?: string } };
  additionalReferenceInfo?: { senderReference?: string; applicationDate?: string };
}

export interface FitConnectSubmission {
  /** The FIM data JSON, serialised once: the hash in the metadata is over exactly these bytes. */
  data: string;
  metadata: FitConnectMetadata;
}

export interface FitConnectOptions {
  /**
   * Reply channel: answers go to the citizen's Postkorb in Amtsbote (an interoperable Servicekonto
   * mailbox in FIT-Connect terms); `host` is the Amtsbote API the Fachverfahren answers through.
   */
  replyHost?: string;
}

/**
 * Builds the `fit-connect-json` submission: the FIM data as JSON and FIT-Connect metadata 1.0.0 with
 * SHA-512 hashes of data and attachments. Validate the metadata against the official JSON Schema before
 * sending.
 */
export function buildFitConnectSubmission(
  input: SubmissionMessageInput,
  options: FitConnectOptions = {},
): FitConnectSubmission {
  const data = JSON.stringify(input.data);
  const metadata: FitConnectMetadata = {
    contentStructure: {
      data: {
        hash: { type: 'sha512', content: sha512Hex(data) },
        submissionSchema: { schemaUri: defaultNamespace(input.schema), mimeType: 'application/json' },
      },
      attachments: input.attachments.map((a) => ({
        hash: { type: 'sha512', content: a.sha512 },
        purpose: 'attachment',
        filename: a.filename,
        mimeType: a.mediaType,
        attachmentId: a.attachmentId,
      })),
    },
    publicServiceType: {
      name: input.leistungName,
      identifier: `urn:de:fim:leika:leistung:${input.leikaKey}`,
    },
    additionalReferenceInfo: {
      senderReference: input.vorgangsnummer,
      applicationDate: input.submittedAt.slice(0, 10),
    },
    replyChannel: {
      fink: {
        finkPostfachRef: `amtsbote/${input.submissionId}`,
        ...(options.replyHost === undefined ? {} : { host: options.replyHost }),
      },
    },
  };
  if (input.applicant.kind !== 'anonymous') {
    // Amtsbote's own identification report: who authenticated at which level (the IdP's assertion stays
    // with intake); base64url JSON, not a signed FIT-Connect report.
    const report = {
      kind: input.applicant.kind,
      trustLevel: input.applicant.trustLevel,
      at: input.submittedAt,
    };
    metadata.authenticationInformation = [
      {
        type: 'identificationReport',
        version: '1.0.0',
        content: Buffer.from(JSON.stringify(report)).toString('base64url'),
      },
    ];
  }
  if (input.payment) {
    const p = input.payment;
    metadata.paymentInformation = {
      transactionReference: p.transactionReference,
      transactionId: p.transactionId,
      transactionUrl: p.transactionUrl,
      paymentMethod: p.paymentMethod,
      paymentMethodDetail: p.paymentMethodDetail,
      status: p.status === 'INITIATED' ? 'INITIAL' : 'BOOKED',
      // FIT-Connect requires at least 0.01; a zero amount is left out.
      grossAmount: p.grossAmount > 0 ? Math.round(p.grossAmount * 100) / 100 : undefined,
    };
    for (const k of ['transactionUrl', 'paymentMethodDetail', 'grossAmount'] as const) {
      if (metadata.paymentInformation[k] === undefined) delete metadata.paymentInformation[k];
    }
  }
  return { data, metadata };
}
