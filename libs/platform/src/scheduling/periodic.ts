import type { Logger } from '@nestjs/common';

/**
 * Runs `work` every `intervalMs` (never two runs at once: the next run is `intervalMs` after the last one
 * ended) until stopped; a failing run is logged and the next one comes as usual. `stop()` waits for a run
 * in progress. The timer does not keep the process alive.
 */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** The first run comes after `firstDelayMs` (default: one interval). */
  start(firstDelayMs = this.intervalMs): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(firstDelayMs);
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delay);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    this.running = this.work().catch((err: unknown) => {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, `${this.name} run failed`);
    });
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
