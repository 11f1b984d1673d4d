import type { DestinationRecord } from '../destinations/destinations.types';
import type { AttachmentRecord, MessageKind, MessageRecord } from '../messages/messages.types';

/** A file of a delivery: described always, its content inline only in push deliveries. */
export interface EnvelopeFile {
  filename: string;
  mediaType: string;
  /** Size and SHA-512 of the plaintext (after decryption, when encrypted). */
  size: number;
  sha512: string;
  encrypted: boolean;
  /** Base64 of the bytes, or the JWE compact serialisation when encrypted. Absent in the pull descriptor. */
  content?: string;
}

/**
 * What a Fachverfahren receives, by push (the signed POST body, contents inline) or pull (the descriptor of
 * GET /fachverfahren/messages/{id}; contents from the sub-resources).
 */
export interface DeliveryEnvelope {
  messageId: string;
  kind: MessageKind;
  destinationId: string;
  format: string;
  submissionId: string;
  vorgangsnummer: string;
  createdAt: string;
  encrypted: boolean;
  payload: EnvelopeFile;
  /** FIT-Connect metadata (format fit-connect-json); it carries the hashes of data and attachments itself. */
  metadata?: { mediaType: 'application/json'; encrypted: boolean; content?: string };
  attachments: Array<EnvelopeFile & { attachmentId: string }>;
}

function content(bytes: Buffer, encrypted: boolean): string {
  return encrypted ? bytes.toString('utf8') : bytes.toString('base64');
}

/**
 * The envelope of a built message. Attachments travelling inside the payload (the xdomea ZIP) are not
 * listed; `inline` puts the contents in (push).
 */
export function buildEnvelope(
  m: MessageRecord,
  d: Pick<DestinationRecord, 'id'>,
  attachments: AttachmentRecord[],
  inline: boolean,
): DeliveryEnvelope {
  return {
    messageId: m.id,
    kind: m.kind,
    destinationId: d.id,
    format: m.kind === 'submission' ? m.format : 'citizen-reply-json',
    submissionId: m.submissionId,
    vorgangsnummer: m.vorgangsnummer,
    createdAt: (m.builtAt ?? m.createdAt).toISOString(),
    encrypted: m.encrypted,
    payload: {
      filename: m.payloadFilename ?? 'payload',
      mediaType: m.payloadMediaType ?? 'application/octet-stream',
      size: m.payloadSize ?? 0,
      sha512: m.payloadSha512 ?? '',
      encrypted: m.encrypted,
      ...(inline && m.payload !== null ? { content: content(m.payload, m.encrypted) } : {}),
    },
    ...(!m.hasMetadata
      ? {}
      : {
          metadata: {
            mediaType: 'application/json' as const,
            encrypted: m.encrypted,
            ...(inline && m.metadata !== null ? { content: content(m.metadata, m.encrypted) } : {}),
          },
        }),
    attachments: attachments
      .filter((a) => a.hasContent)
      .map((a) => ({
        attachmentId: a.attachmentId,
        filename: a.filename,
        mediaType: a.mediaType,
        size: a.size,
        sha512: a.sha512,
        encrypted: a.encrypted,
        ...(inline && a.content !== null ? { content: content(a.content, a.encrypted) } : {}),
      })),
  };
}
