import type { JWK } from 'jose';

export const CHANNELS = ['http-push', 'pull'] as const;
export type Channel = (typeof CHANNELS)[number];
export const FORMATS = ['xdomea-3.0', 'fim-xml', 'fit-connect-json'] as const;
export type MessageFormat = (typeof FORMATS)[number];

/** A Fachverfahren endpoint as stored (the HMAC secret sealed). */
export interface DestinationRecord {
  id: string;
  tenant: string;
  name: string;
  /** DVDV-style authority identity `präfix:kennung`. */
  identity: string;
  channel: Channel;
  format: MessageFormat;
  endpointUrl: string | null;
  callbackUrl: string | null;
  mtls: boolean;
  secretSealed: string;
  publicKey: JWK | null;
  maxMessageBytes: number;
  maxAttachmentBytes: number;
  alertContact: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The authority of a destination as routing events carry it. */
export function authorityOf(d: Pick<DestinationRecord, 'id' | 'name' | 'identity'>): {
  destinationId: string;
  name: string;
  identity: string;
} {
  return { destinationId: d.id, name: d.name, identity: d.identity };
}
