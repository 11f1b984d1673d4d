import type { Logger } from './util';

export type StackComponent = 'kafka' | 'postgres' | 'oidc' | 'seaweedfs';

export interface StartOptions {
  /** Receives notes about slow, rare steps (Maven, apt-get, initdb); default: stderr. */
  log?: Logger;
  /** Readiness timeout of the process itself (prerequisites and Maven are not counted). */
  timeoutMs?: number;
}

export interface StopOptions {
  /** First signal (default: the component's clean shutdown signal); e.g. SIGKILL to simulate a crash. */
  signal?: NodeJS.Signals;
  /** Wait this long for the exit before SIGKILL. */
  timeoutMs?: number;
}

export interface ComponentStart {
  component: StackComponent;
  pid: number;
  /** True if it was running already and only its readiness was verified. */
  alreadyRunning: boolean;
  /** Wall time of the start (or of the readiness check), in ms. */
  ms: number;
  /** Where to reach it: bootstrap servers, connection URL or issuer. */
  url: string;
  logFile: string;
}

export interface ComponentStop {
  component: StackComponent;
  /** False if it was not running. */
  stopped: boolean;
  ms: number;
}
