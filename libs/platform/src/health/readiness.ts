import { Injectable } from '@nestjs/common';

/** Something the service needs to do its job (database, broker); readiness fails while one is down. */
export interface ReadinessIndicator {
  readonly name: string;
  check(): Promise<{ up: boolean; details?: Record<string, unknown> }>;
}

/**
 * Modules register their indicators here (Nest has no multi-providers); the readiness probe asks them all.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly indicators = new Map<string, ReadinessIndicator>();

  register(indicator: ReadinessIndicator): void {
    this.indicators.set(indicator.name, indicator);
  }

  all(): ReadinessIndicator[] {
    return [...this.indicators.values()];
  }
}

/** Rejects after `ms` so a hung dependency cannot hang the probe. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
