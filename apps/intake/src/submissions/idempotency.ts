import { ProblemException } from '@amtsbote/platform';
import type { SubmissionAcceptedDto } from './submissions.dto';
import type { StoredAnswer } from './submissions.repository';

// The Idempotency-Key of POST /submissions: required; the same request gets the same answer again, another
// request with a used key is refused.

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,255}$/;

export interface SubmitResult {
  status: number;
  body: SubmissionAcceptedDto;
  replayed: boolean;
}

/** The stored answer again, if the request is the same; the key was used for another request otherwise. */
export function replayOf(stored: StoredAnswer, requestSha256: string): SubmitResult {
  if (stored.requestSha256 !== requestSha256) throw keyReused();
  return { status: stored.status, body: stored.body as SubmissionAcceptedDto, replayed: true };
}

/** The Idempotency-Key header, required and well-formed. */
export function checkedIdempotencyKey(idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw ProblemException.badRequest(
      'idempotency-key-required',
      { de: 'Idempotency-Key fehlt oder ist ungültig', en: 'Idempotency-Key missing or invalid' },
      [
        {
          path: '/headers/idempotency-key',
          code: idempotencyKey === undefined ? 'required' : 'pattern',
          message: {
            de: 'Senden Sie einen Header Idempotency-Key mit einer zufälligen UUID.',
            en: 'Send an Idempotency-Key header with a random UUID.',
          },
        },
      ],
    );
  }
  return idempotencyKey;
}

/** Thrown inside the transaction when a concurrent identical request won the key: roll back and replay. */
export class KeyTaken extends Error {}

function keyReused(): ProblemException {
  return ProblemException.unprocessable(
    'idempotency-key-reused',
    { de: 'Idempotency-Key schon verwendet', en: 'Idempotency-Key already used' },
    [
      {
        path: '/headers/idempotency-key',
        code: 'idempotency-key-reused',
        message: {
          de: 'Dieser Idempotency-Key wurde bereits für eine andere Anfrage verwendet. Nehmen Sie für einen neuen Antrag einen neuen Schlüssel.',
          en: 'This Idempotency-Key was already used for a different request. Use a new key for a new submission.',
        },
      },
    ],
  );
}
