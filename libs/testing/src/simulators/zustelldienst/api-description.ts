import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * The requests of FIT-Connect's Submission API v2 as the Zustelldienst simulator checks them: bodies as
 * JSON Schema, written from the public v2 clients (FITKO's SDK model classes, the live-verified calls of
 * other integrations; see docs/fachverfahren.md, "Receiving over FIT-Connect", for versions and gaps).
 * The official OpenAPI document itself was not available to the project.
 */
const JWE_COMPACT = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$';
const JWS_COMPACT = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$';
const UUID = { type: 'string', format: 'uuid' };
/** The finalising PUT of a submission or a reply: metadata and data, each a JWE. */
const ENCRYPTED_PARTS = {
  type: 'object',
  additionalProperties: false,
  required: ['encryptedMetadata', 'encryptedData'],
  properties: {
    encryptedMetadata: { type: 'string', pattern: JWE_COMPACT },
    encryptedData: { type: 'string', pattern: JWE_COMPACT },
  },
} as const;

export const REQUEST_SCHEMAS = {
  /** `POST /v2/submissions` (CreateSubmission). */
  createSubmission: {
    type: 'object',
    additionalProperties: false,
    required: ['destinationId', 'announcedAttachments', 'publicService'],
    properties: {
      destinationId: UUID,
      announcedAttachments: { type: 'array', uniqueItems: true, items: UUID },
      publicService: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'identifier'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 255 },
          identifier: {
            type: 'string',
            pattern: "^urn:[a-z0-9][a-z0-9-]{0,31}:[a-z0-9()+,\\-.:=@;$_!*'%/?#]+$",
          },
        },
      },
      region: { type: 'string', pattern: '^DE\\d{2,12}$' },
      caseId: UUID,
    },
  },
  /** `PUT /v2/submissions/{submissionId}` (SubmitSubmission). */
  submitSubmission: ENCRYPTED_PARTS,
  /** `POST /v2/replies` (CreateReply, the subscriber answers a case). */
  createReply: {
    type: 'object',
    additionalProperties: false,
    required: ['caseId', 'announcedAttachments'],
    properties: {
      caseId: UUID,
      announcedAttachments: { type: 'array', uniqueItems: true, items: UUID },
    },
  },
  /** `PUT /v2/replies/{replyId}` (SubmitReply). */
  submitReply: ENCRYPTED_PARTS,
  /** `PUT /v2/replies/{replyId}/accept` (the sender confirms the reply with its authentication tags). */
  acceptReply: {
    type: 'object',
    additionalProperties: false,
    required: ['authenticationTags'],
    properties: {
      authenticationTags: {
        type: 'object',
        additionalProperties: false,
        required: ['metadata', 'data'],
        properties: {
          metadata: { type: 'string' },
          data: { type: 'string' },
          attachments: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
  /** `PUT /v2/submissions/{submissionId}/attachments/{attachmentId}` body (`application/jose`). */
  attachment: { type: 'string', pattern: JWE_COMPACT },
  /** `POST /v2/cases/{caseId}/events` body (`application/jose`). */
  event: { type: 'string', pattern: JWS_COMPACT },
  /** The token request (RFC 6749 §4.4, client_secret_post). */
  token: {
    type: 'object',
    additionalProperties: false,
    required: ['grant_type', 'client_id', 'client_secret'],
    properties: {
      grant_type: { const: 'client_credentials' },
      client_id: { type: 'string', minLength: 1 },
      client_secret: { type: 'string', minLength: 1 },
      scope: { type: 'string' },
    },
  },
} as const;

export type RequestKind = keyof typeof REQUEST_SCHEMAS;

/** Content types the description gives each request body. */
export const REQUEST_MEDIA_TYPES: Record<RequestKind, string> = {
  createSubmission: 'application/json',
  submitSubmission: 'application/json',
  createReply: 'application/json',
  submitReply: 'application/json',
  acceptReply: 'application/json',
  attachment: 'application/jose',
  event: 'application/jose',
  token: 'application/x-www-form-urlencoded',
};

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new Map<RequestKind, ValidateFunction>();

/** What does not match the description in one request; [] when it matches. */
export function requestViolations(
  kind: RequestKind,
  contentType: string | undefined,
  body: unknown,
): string[] {
  const problems: string[] = [];
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (media !== REQUEST_MEDIA_TYPES[kind])
    problems.push(`${kind}: content-type ${media || '(none)'}, expected ${REQUEST_MEDIA_TYPES[kind]}`);
  let validate = compiled.get(kind);
  if (validate === undefined) {
    validate = ajv.compile(REQUEST_SCHEMAS[kind]);
    compiled.set(kind, validate);
  }
  if (!validate(body))
    problems.push(
      ...(validate.errors ?? []).map((e) => `${kind}: ${e.instancePath || '/'} ${e.message ?? e.keyword}`),
    );
  return problems;
}
