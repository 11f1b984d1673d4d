import { randomUUID } from 'node:crypto';
import { CompactSign, type CryptoKey, type KeyObject } from 'jose';

export const EVENT = {
  create: 'https://schema.fitko.de/fit-connect/events/create-submission',
  submit: 'https://schema.fitko.de/fit-connect/events/submit-submission',
  accept: 'https://schema.fitko.de/fit-connect/events/accept-submission',
  reject: 'https://schema.fitko.de/fit-connect/events/reject-submission',
  submitReply: 'https://schema.fitko.de/fit-connect/events/submit-reply',
  acceptReply: 'https://schema.fitko.de/fit-connect/events/accept-reply',
} as const;

export const SET_PAYLOAD_SCHEMA =
  'https://schema.fitko.de/fit-connect/set-payload/1.2.2/set-payload.schema.json';

/** A Security Event Token as FIT-Connect writes them: PS512, `typ` secevent+jwt, one event. */
export function signSet(
  key: CryptoKey | KeyObject,
  kid: string,
  claims: {
    iss: string;
    submissionId: string;
    caseId: string;
    event: string;
    payload?: Record<string, unknown>;
    /** Events about a reply name it (`reply:<replyId>`) instead of the submission. */
    replyId?: string;
  },
): Promise<string> {
  const body = {
    $schema: SET_PAYLOAD_SCHEMA,
    jti: randomUUID(),
    iss: claims.iss,
    iat: Math.floor(Date.now() / 1000),
    sub: claims.replyId ? `reply:${claims.replyId}` : `submission:${claims.submissionId}`,
    txn: `case:${claims.caseId}`,
    events: { [claims.event]: claims.payload ?? {} },
  };
  return new CompactSign(Buffer.from(JSON.stringify(body)))
    .setProtectedHeader({ alg: 'PS512', typ: 'secevent+jwt', kid })
    .sign(key);
}
