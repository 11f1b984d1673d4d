import { type Authority, parseDvdvIdentity } from './message-input';
import type { XmlWriter } from './xml-writer';

/** The XÖV code of a message type (`nachrichtentyp`). */
export interface MessageTypeCode {
  code: string;
  name?: string;
  listURI: string;
  listVersionID: string;
}

export interface NachrichtenkopfG2G {
  /** Stable across re-sends, so receivers can drop duplicates. */
  nachrichtenUUID: string;
  nachrichtentyp: MessageTypeCode;
  erstellungszeitpunkt: string;
  leser: Authority;
  autor: Authority;
}

/** Code list of directory services (KoSIT); Amtsbote addresses authorities in the DVDV. */
export const VERZEICHNISDIENST = {
  listURI: 'urn:xoev-de:kosit:codeliste:verzeichnisdienst',
  listVersionID: '2',
  dvdv: 'DVDV',
} as const;

function writeBehoerde(w: XmlWriter, element: 'leser' | 'autor', authority: Authority): void {
  // The kennung keeps the DVDV form präfix:kennung (as XÖV messages with DVDV addressing do).
  const { praefix, kennung } = parseDvdvIdentity(authority.identity);
  w.open(element);
  w.open('verzeichnisdienst', { listVersionID: VERZEICHNISDIENST.listVersionID });
  w.leaf('code', VERZEICHNISDIENST.dvdv);
  w.close('verzeichnisdienst');
  w.leaf('kennung', `${praefix}:${kennung}`);
  w.leaf('name', authority.name);
  w.close(element);
}

/**
 * Writes `nachrichtenkopf.g2g` of the XÖV Basisnachricht G2G 1.1 (unqualified: the header elements are in
 * no namespace, so the message root must use a prefix for its own namespace).
 */
export function writeNachrichtenkopfG2G(w: XmlWriter, head: NachrichtenkopfG2G): void {
  w.open('nachrichtenkopf.g2g');
  w.open('identifikation.nachricht');
  w.leaf('nachrichtenUUID', head.nachrichtenUUID);
  w.open('nachrichtentyp', {
    listURI: head.nachrichtentyp.listURI,
    listVersionID: head.nachrichtentyp.listVersionID,
  });
  w.leaf('code', head.nachrichtentyp.code);
  w.leaf('name', head.nachrichtentyp.name);
  w.close('nachrichtentyp');
  w.leaf('erstellungszeitpunkt', head.erstellungszeitpunkt);
  w.close('identifikation.nachricht');
  writeBehoerde(w, 'leser', head.leser);
  writeBehoerde(w, 'autor', head.autor);
  w.close('nachrichtenkopf.g2g');
}
