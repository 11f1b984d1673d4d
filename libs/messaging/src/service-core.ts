import { hostname } from 'node:os';
import {
  type BaseConfig,
  DatabaseModule,
  type DatabaseOptions,
  databaseUrl,
  PlatformModule,
} from '@amtsbote/platform';
import type { DynamicModule } from '@nestjs/common';
import { DiagnosticsModule } from './diagnostics';
import { MESSAGING_ENTITIES } from './entities';
import { MessagingModule, type MessagingOptions } from './messaging.module';

export interface ServiceCoreOptions {
  service: string;
  /** The app's own PostgreSQL schema. */
  schema: string;
  config: BaseConfig;
  entities?: DatabaseOptions['entities'];
  /** Leave out: the consumed topics follow from the service's `@EventHandler`s (see MessagingOptions). */
  consumes?: string[];
  topics: string[];
  messaging?: Partial<Pick<MessagingOptions, 'relay' | 'afterCommit' | 'consumerGroupId'>>;
}

/** Maps validated config to the Kafka settings of one service. */
export function messagingOptionsFrom(o: ServiceCoreOptions): MessagingOptions {
  const c = o.config;
  return {
    service: o.service,
    schema: o.schema,
    consumes: o.consumes,
    topics: o.topics,
    topicPrefix: c.KAFKA_TOPIC_PREFIX,
    retryDelaysMs: c.KAFKA_RETRY_DELAYS_MS,
    consumer: {
      sessionTimeoutMs: c.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
      maxWaitMs: c.KAFKA_CONSUMER_MAX_WAIT_MS,
      commitIntervalMs: c.KAFKA_OFFSET_COMMIT_INTERVAL_MS,
    },
    inboxRetentionMs: c.INBOX_RETENTION_DAYS * 24 * 3600 * 1000,
    provisionTopics: c.KAFKA_PROVISION_TOPICS
      ? { partitions: c.KAFKA_TOPIC_PARTITIONS, replicationFactor: c.KAFKA_TOPIC_REPLICATION_FACTOR }
      : undefined,
    kafka: {
      brokers: c.KAFKA_BROKERS,
      // Stable per pod, never random: the client id shows up in broker logs and quotas.
      clientId: c.KAFKA_CLIENT_ID ?? `amtsbote-${o.service}-${hostname()}`,
      ssl: c.KAFKA_SSL,
      sasl:
        c.KAFKA_SASL_MECHANISM && c.KAFKA_SASL_USERNAME && c.KAFKA_SASL_PASSWORD
          ? {
              mechanism: c.KAFKA_SASL_MECHANISM,
              username: c.KAFKA_SASL_USERNAME,
              password: c.KAFKA_SASL_PASSWORD,
            }
          : undefined,
    },
    relay: { ...o.messaging?.relay },
    afterCommit: o.messaging?.afterCommit,
    consumerGroupId: o.messaging?.consumerGroupId,
  };
}

/** What every service module imports: platform, its database schema, the event backbone and the probe. */
export function serviceCoreImports(o: ServiceCoreOptions): DynamicModule[] {
  const c = o.config;
  return [
    PlatformModule.forRoot({ serviceName: o.service, config: c }),
    DatabaseModule.forRoot({
      url: databaseUrl(c),
      schema: o.schema,
      entities: [
        ...MESSAGING_ENTITIES,
        ...((o.entities as unknown[] | undefined) ?? []),
      ] as DatabaseOptions['entities'],
      poolSize: c.DATABASE_POOL_SIZE,
      ssl: c.DATABASE_SSL,
      applicationName: `amtsbote-${o.service}`,
    }),
    MessagingModule.forRoot(messagingOptionsFrom(o)),
    { module: DiagnosticsModule },
  ];
}
