import type { submissionStatus } from '@amtsbote/contracts';
import type { z } from 'zod';

export type SubmissionStatus = z.infer<typeof submissionStatus>;

const AFTER_DELIVERY: SubmissionStatus[] = ['RECEIVED', 'PROCESSING', 'ACTION_REQUIRED', 'COMPLETED'];

/**
 * Allowed transitions. Routing's events of one submission arrive in order, but a step may be skipped (e.g. a
 * pull delivery reported as RECEIVED at once), so later states are reachable from earlier ones. Terminal
 * states accept nothing; anything not listed is ignored (out-of-order or duplicate events change nothing).
 */
const NEXT: Readonly<Record<SubmissionStatus, readonly SubmissionStatus[]>> = {
  SUBMITTED: ['AWAITING_PAYMENT', 'READY', 'CANCELLED', 'EXPIRED', 'FAILED'],
  AWAITING_PAYMENT: ['READY', 'CANCELLED', 'EXPIRED', 'FAILED'],
  READY: ['ROUTED', 'DELIVERED', ...AFTER_DELIVERY, 'FAILED'],
  ROUTED: ['DELIVERED', ...AFTER_DELIVERY, 'FAILED'],
  DELIVERED: [...AFTER_DELIVERY, 'FAILED'],
  RECEIVED: ['PROCESSING', 'ACTION_REQUIRED', 'COMPLETED'],
  PROCESSING: ['ACTION_REQUIRED', 'COMPLETED'],
  ACTION_REQUIRED: ['PROCESSING', 'COMPLETED'],
  COMPLETED: [],
  CANCELLED: [],
  EXPIRED: [],
  FAILED: [],
};

export function canTransition(from: SubmissionStatus, to: SubmissionStatus): boolean {
  return NEXT[from].includes(to);
}

/** The Fachverfahren has confirmed receipt once a submission is in one of these states. */
export function confirmsReceipt(status: SubmissionStatus): boolean {
  return AFTER_DELIVERY.includes(status);
}

export function isTerminal(status: SubmissionStatus): boolean {
  return NEXT[status].length === 0;
}
