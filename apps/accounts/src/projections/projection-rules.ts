import {
  type EventContract,
  type EventPayload,
  paymentExpiredV1,
  paymentFailedV1,
  paymentRequestedV1,
  paymentSettledV1,
  routingDeliveredV1,
  routingFailedV1,
  routingReplyV1,
  routingRoutedV1,
  routingStatusV1,
  submissionReadyV1,
  submissionSubmittedV1,
} from '@amtsbote/contracts';
import {
  deliveredNotice,
  type Notice,
  paymentExpiredNotice,
  paymentFailedNotice,
  paymentRequestedNotice,
  paymentSettledNotice,
  readyNotice,
  replyNotice,
  routingFailedNotice,
  routedNotice,
  routingStatusNotice,
  type SubmissionContext,
  submittedNotice,
} from './notices';
import type { SubmissionFacts } from './projections.repository';

/** What accounts does with one kind of event: what it tells about the submission, and what the owner sees. */
export interface ProjectionRule<C extends EventContract = EventContract> {
  contract: C;
  /** What the event tells about the submission itself (owner, Leistung, Vorgangsnummer), if anything. */
  facts?: (data: EventPayload<C>) => SubmissionFacts;
  /** The timeline entry (and maybe Postkorb message) it becomes; `time` is the event's CloudEvents time. */
  notice: (data: EventPayload<C>, ctx: SubmissionContext, time: Date) => Notice;
}

const rule = <C extends EventContract>(r: ProjectionRule<C>) => r as unknown as ProjectionRule;

const applicantFacts = (
  d: EventPayload<typeof submissionSubmittedV1> | EventPayload<typeof submissionReadyV1>,
): SubmissionFacts => ({
  submissionId: d.submissionId,
  ownerKey: d.applicant.ownerKey,
  anonymous: d.applicant.kind === 'anonymous' || d.applicant.ownerKey === null,
  actedByKey: d.applicant.actedByKey,
  tenant: d.tenant,
  vorgangsnummer: d.vorgangsnummer,
  leikaKey: d.leikaKey,
  leistungName: d.leistungName,
  submittedAt: new Date(d.submittedAt),
});

/**
 * The one table from contract to rule: the events accounts turns into timelines and the Postkorb. The
 * consumer handles exactly these contracts, and a new one is one row here. Each step of a submission is
 * told once, by the service that took it (intake does not echo payment's or routing's steps).
 */
export const PROJECTION_RULES: readonly ProjectionRule[] = [
  rule({
    contract: submissionSubmittedV1,
    facts: applicantFacts,
    notice: (d, ctx) => submittedNotice(d, ctx),
  }),
  rule({ contract: submissionReadyV1, facts: applicantFacts, notice: readyNotice }),
  rule({ contract: paymentRequestedV1, notice: paymentRequestedNotice }),
  rule({ contract: paymentSettledV1, notice: (d, ctx) => paymentSettledNotice(d, ctx) }),
  rule({ contract: paymentFailedV1, notice: paymentFailedNotice }),
  rule({ contract: paymentExpiredV1, notice: paymentExpiredNotice }),
  rule({ contract: routingRoutedV1, notice: routedNotice }),
  rule({ contract: routingDeliveredV1, notice: (d, ctx) => deliveredNotice(d, ctx) }),
  rule({ contract: routingStatusV1, notice: (d, ctx) => routingStatusNotice(d, ctx) }),
  rule({ contract: routingReplyV1, notice: (d) => replyNotice(d) }),
  rule({ contract: routingFailedV1, notice: (d, ctx) => routingFailedNotice(d, ctx) }),
];

/** The contracts of the table, for the consumer. */
export const PROJECTED_CONTRACTS: readonly EventContract[] = PROJECTION_RULES.map((r) => r.contract);

const BY_TYPE = new Map(PROJECTION_RULES.map((r) => [r.contract.type, r]));

/** The rule of an event type, or undefined for an event accounts does not project. */
export function ruleOf(type: string): ProjectionRule | undefined {
  return BY_TYPE.get(type);
}
