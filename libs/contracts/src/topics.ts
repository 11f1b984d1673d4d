/**
 * The topics Amtsbote uses. Few, named by domain, versioned. Retry topics are `<topic>.retry.<n>`, dead
 * letters `<topic>.dlt`; both are derived, never hand-written.
 */
export const TOPICS = {
  submission: 'amtsbote.submission.v1',
  catalog: 'amtsbote.catalog.v1',
  payment: 'amtsbote.payment.v1',
  routing: 'amtsbote.routing.v1',
  postkorb: 'amtsbote.postkorb.v1',
  accounts: 'amtsbote.accounts.v1',
  diagnostics: 'amtsbote.diagnostics.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const ALL_TOPICS: readonly TopicName[] = Object.values(TOPICS);

export function retryTopic(topic: string, attempt: number): string {
  return `${topic}.retry.${attempt}`;
}

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlt`;
}
