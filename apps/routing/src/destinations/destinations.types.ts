import type { JWK } from 'jose';

/** A Fachverfahren endpoint as stored (the HMAC secret sealed). */
export interface DestinationRecord {
  id: string;
  tenant: string;
  name: string;
  /** DVDV-style authority identity `präfix:kennung`. */
  identity: string;
  /** The name of a registered delivery channel (`channels/`). */
  channel: string;
  /** The name of a registered message format (`formats/`). */
  format: string;
  endpointUrl: string | null;
  callbackUrl: string | null;
  mtls: boolean;
  /** The channel's own settings of this destination, validated by the channel (secrets only by reference). */
  channelSettings: Record<string, unknown>;
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
