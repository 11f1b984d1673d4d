import type { FieldProblem } from '@amtsbote/platform';
import type { DestinationRecord } from '../destinations/destinations.types';
import type { IncomingReply } from '../replies/replies.service';
import type { AttachmentRecord, MessageRecord } from '../messages/messages.types';

/**
 * How a channel hands a message over:
 * - `push`: the delivery worker calls {@link DeliveryChannel.deliver} (again after a failure) until the
 *   channel says delivered or refused;
 * - `pull`: the built message waits in the mailbox (`/fachverfahren/messages`) until the Fachverfahren
 *   accepts or rejects it; {@link DeliveryChannel.offered} may tell it that something waits.
 * A push channel whose transport acknowledges later (submit, then poll for the receiver's receipt or
 * refusal) answers `delivered` with `followUpAt`; the worker then calls {@link DeliveryChannel.followUp}.
 */
export type ChannelMode = 'push' | 'pull';

/** What the worker gives a channel for one attempt. */
export interface DeliveryContext {
  /** Aborted at shutdown: stop, the attempt is not counted and the message is due again at once. */
  signal: AbortSignal;
  /** 1 for the first attempt of this delivery cycle. */
  attempt: number;
  /** The message's attachments with routing's copies of their content (encrypted when the destination has a key). */
  attachments(): Promise<AttachmentRecord[]>;
  /**
   * What this channel saved for this message on an earlier attempt (e.g. the id of a submission already
   * created at the remote end), or null. A redelivery must not create a second remote submission.
   */
  state: unknown;
  /** Saves the channel's state of this message at once (before the remote step that must not repeat). */
  saveState(state: unknown): Promise<void>;
}

export type DeliveryOutcome =
  /** Handed over. `followUpAt`: the transport acknowledges later; ask {@link DeliveryChannel.followUp} then. */
  | { kind: 'delivered'; followUpAt?: Date }
  /** Not now (unreachable, 5xx, 429 …): retried with backoff, then dead letter UNDELIVERABLE. */
  | { kind: 'retry'; error: string; retryAfterSeconds?: number }
  /**
   * Refused for good: dead letter REFUSED_BY_RECEIVER. `refusesTheMessage`: the receiver refused the
   * message itself (not routing's credentials or address), so the citizen is told too (REJECTED).
   */
  | {
      kind: 'refused';
      summary: string;
      refusesTheMessage: boolean;
      httpStatus?: number;
      responseExcerpt?: string;
    };

/**
 * A reply the transport carried back (FIT-Connect: on the case). The worker records it (reply event →
 * Postkorb), then calls `acknowledge` so the transport and the channel's state know it was taken.
 */
export interface ChannelReply extends IncomingReply {
  replyId: string;
  acknowledge(): Promise<void>;
}

export type FollowUpOutcome =
  /** Nothing new: ask again then (`replies`: answers that arrived meanwhile). */
  | { kind: 'pending'; checkAgainAt: Date; replies?: ChannelReply[] }
  /**
   * The receiver confirmed receipt: status RECEIVED, as a receipt posted to the back channel.
   * `checkAgainAt`: keep following (the transport carries replies too).
   */
  | { kind: 'received'; checkAgainAt?: Date; replies?: ChannelReply[] }
  /** Nothing more will come over this transport: stop following. */
  | { kind: 'finished' }
  /** The receiver refused the submission after taking it: REJECTED, as a reject from the mailbox. */
  | { kind: 'refused'; reasons: string[] };

/**
 * A way to hand a built message to a Fachverfahren. One file per channel, registered in
 * `channels.module.ts`; destinations name it in `channel` (stored as text: no migration per channel).
 * Channels know nothing of the worker's table: they report outcomes, the worker records them.
 */
export interface DeliveryChannel {
  /** The name destinations use (`http-push`, `pull`, …). */
  readonly name: string;
  readonly mode: ChannelMode;
  /**
   * What is wrong with a destination for this channel (its endpoint, its `channelSettings` — secrets in
   * there are references, resolved when sending, never values), as field problems; [] when it is usable.
   */
  validate(d: DestinationRecord): FieldProblem[] | Promise<FieldProblem[]>;
  /** push: one attempt. Throwing counts as a transient failure (retry), like `{ kind: 'retry' }`. */
  deliver?(m: MessageRecord, d: DestinationRecord, ctx: DeliveryContext): Promise<DeliveryOutcome>;
  /** pull: the message has just become available in the mailbox (best effort; the mailbox is the truth). */
  offered?(m: MessageRecord, d: DestinationRecord): Promise<void>;
  /** After `delivered` with `followUpAt`: has the receiver confirmed or refused? Throwing asks again later. */
  followUp?(m: MessageRecord, d: DestinationRecord, ctx: DeliveryContext): Promise<FollowUpOutcome>;
}

/** Helper for channels' `validate`: one field problem, de and en. */
export function fieldProblem(path: string, code: string, de: string, en: string): FieldProblem {
  return { path, code, message: { de, en } };
}
