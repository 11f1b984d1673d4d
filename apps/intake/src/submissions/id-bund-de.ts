import { ID_BUND_DE_CLAIMS, type Principal } from '@amtsbote/platform';
import type { ActingAs } from '../common/access.service';
import type { IdBundDeReferences } from './submissions.entity';

// The metadata schema's `format: uuid` (ajv-formats): hyphenated, with or without `urn:uuid:`.
const UUID = /^(?:urn:uuid:)?([0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12})$/i;

function uuidClaim(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return UUID.exec(value.trim())?.[1]?.toLowerCase();
}

/**
 * The BundID/DeutschlandID references (claims {@link ID_BUND_DE_CLAIMS}) of a citizen acting for themselves; none for anonymous callers, organisations and
 * representatives (the mailbox is the signed-in person's, not the represented party's). A claim that is not
 * a UUID is left out rather than refusing the submission: the reply channel then falls back.
 */
export function idBundDeReferences(
  principal: Principal | undefined,
  acting: ActingAs,
): IdBundDeReferences | null {
  if (principal === undefined || acting.kind !== 'person' || acting.actedByKey !== undefined) return null;
  const mailboxUuid = uuidClaim(principal.claims[ID_BUND_DE_CLAIMS.mailboxUuid]);
  const applicationId = uuidClaim(principal.claims[ID_BUND_DE_CLAIMS.applicationId]);
  if (mailboxUuid === undefined && applicationId === undefined) return null;
  return {
    ...(mailboxUuid === undefined ? {} : { mailboxUuid }),
    ...(applicationId === undefined ? {} : { applicationId }),
  };
}
