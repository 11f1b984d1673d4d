// The local stack: Kafka (KRaft), PostgreSQL and the dev OIDC provider on loopback, plus the detached-process
// helper the simulators and the demo reuse. CLI: node libs/testing/dist/src/stack/cli.js start|stop|status|restart
export { repoRoot, stackPaths, findRepoRoot, type StackPaths } from './paths';
export {
  startProcess,
  stopProcess,
  isRunning,
  processStatus,
  listProcesses,
  adoptProcess,
  readPidRecord,
  type PidRecord,
  type ProcessStatus,
  type StartProcessOptions,
  type StartedProcess,
  type StopProcessOptions,
} from './process';
export { withLock } from './lock';
export { isPortFree, assertPortFree } from './ports';
export {
  KAFKA_BROKERS,
  KAFKA_DEFAULT_PORT,
  KAFKA_DEFAULT_CONTROLLER_PORT,
  kafkaBrokers,
  kafkaReady,
  createKafkaClient,
  startKafka,
  stopKafka,
  kafkaRunning,
  pruneTestTopics,
  TEST_TOPIC,
  type KafkaOptions,
} from './kafka';
export {
  POSTGRES_URL,
  POSTGRES_DEFAULT_PORT,
  POSTGRES_USER,
  POSTGRES_PASSWORD,
  POSTGRES_DEV_DATABASE,
  postgresUrl,
  postgresPort,
  postgresReady,
  startPostgres,
  stopPostgres,
  postgresRunning,
  createDatabase,
  dropDatabase,
  ensureDatabases,
  type PostgresOptions,
} from './postgres';
export {
  OIDC_ISSUER,
  OIDC_DEFAULT_PORT,
  oidcIssuer,
  oidcReady,
  startOidc,
  stopOidc,
  oidcRunning,
  type OidcOptions,
} from './oidc';
export {
  SEAWEEDFS_MODULE,
  SEAWEEDFS_VERSION,
  S3_ACCESS_KEY_ID,
  S3_SECRET_ACCESS_KEY,
  S3_REGION,
  S3_BUCKET,
  S3_DEFAULT_PORT,
  s3Endpoint,
  s3Port,
  s3Ready,
  startSeaweedfs,
  stopSeaweedfs,
  seaweedfsRunning,
  type SeaweedfsOptions,
} from './seaweedfs';
export {
  STACK_COMPONENTS,
  StackError,
  startStack,
  stopStack,
  stackStatus,
  startComponent,
  stopComponent,
  isStackComponent,
  type StackOptions,
  type ComponentStatus,
} from './stack';
export type { StackComponent, StartOptions, StopOptions, ComponentStart, ComponentStop } from './types';
export { CHROMIUM_PATH, ensureChromium } from './prereq';
export type { Logger } from './util';
export { nimbusCrossCheck, type NimbusDecrypted, type NimbusVerified } from './jose-java';
export { ensureMavenLibs, mavenLibsComplete, type MavenLibs } from './maven-libs';
