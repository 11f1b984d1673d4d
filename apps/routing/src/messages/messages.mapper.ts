import type { DeadLetterDto, MessageSummaryDto } from './messages.dto';
import type { MessageRecord } from './messages.types';

export function toSummary(m: MessageRecord): MessageSummaryDto {
  return {
    messageId: m.id,
    kind: m.kind,
    submissionId: m.submissionId,
    vorgangsnummer: m.vorgangsnummer,
    destinationId: m.destinationId,
    format: m.format,
    channel: m.channel,
    state: m.state,
    attempts: m.attempts,
    createdAt: m.createdAt,
    availableAt: m.availableAt,
    deliveredAt: m.deliveredAt,
    fetchedAt: m.fetchedAt,
    nextAttemptAt: m.state === 'BUILDING' || m.state === 'SENDING' ? m.dueAt : null,
    lastError: m.lastError,
  };
}

export function toDeadLetter(m: MessageRecord): DeadLetterDto {
  return {
    ...toSummary(m),
    reason: m.deadReason ?? 'UNDELIVERABLE',
    deadAt: m.deadAt ?? m.createdAt,
    report: (m.deadReport ?? { summary: m.lastError ?? '' }) as unknown as Record<string, unknown>,
  };
}
