import { deadLetterTopic, retryTopic } from '@amtsbote/contracts';
import type { Admin, Kafka } from 'kafkajs';

export interface TopicProvisioning {
  partitions: number;
  replicationFactor: number;
  /** Number of retry levels (`<topic>.retry.1..n`). */
  retryLevels: number;
}

/** Every topic name derived from the main topics: the topics themselves, their retry levels, their DLT. */
export function derivedTopics(topics: readonly string[], retryLevels: number): string[] {
  const out: string[] = [];
  for (const t of topics) {
    out.push(t);
    for (let i = 1; i <= retryLevels; i++) out.push(retryTopic(t, i));
    out.push(deadLetterTopic(t));
  }
  return out;
}

/** Creates missing topics explicitly (brokers run with auto-create off). Existing topics are left alone. */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  p: TopicProvisioning,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = derivedTopics(topics, p.retryLevels).filter((t) => !existing.has(t));
    if (wanted.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: wanted.map((topic) => ({
        topic,
        numPartitions: p.partitions,
        replicationFactor: p.replicationFactor,
        configEntries: topic.endsWith('.dlt')
          ? [{ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) }]
          : [],
      })),
    });
    await leadersKnown(admin, wanted, p.partitions);
    return wanted;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until the broker's metadata shows every partition of `topics` with a leader. The controller
 * answers CreateTopics once the topics are committed, but a broker busy (say, deleting thousands of old
 * topics) may serve metadata without them for a while, and producers and consumers starting right away
 * would fail with UNKNOWN_TOPIC_OR_PARTITION.
 */
async function leadersKnown(admin: Admin, topics: string[], partitions: number, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (
        meta.length === topics.length &&
        meta.every((t) => t.partitions.length === partitions && t.partitions.every((x) => x.leader >= 0))
      ) {
        return;
      }
    } catch (err) {
      last = err; // not known to the broker yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Kafka: ${topics.length} new topic(s) still without leaders after ${timeoutMs} ms${last instanceof Error ? ` (${last.message})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
