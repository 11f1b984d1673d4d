import { isTransientInfrastructureError } from '../errors/transient';

/**
 * Runs the calls that arrive while a run is in flight together in the next run: one statement for many
 * messages instead of one each. With nothing in flight a call runs at once, alone — no timer, no added
 * latency when quiet; under load the batches form by themselves (as many as arrived during one round trip).
 * A run must answer one result per item, in order. If a run of several fails, each item is run again alone,
 * so one item's failure is its own and not its neighbours' — unless the database itself is away (a transient
 * infrastructure error): then every item would fail alone too, and the retries would only add load.
 */
export class Coalescer<I, O> {
  private readonly queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private running = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 64,
  ) {}

  call(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const out = await this.run(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(out[i]));
        } catch (err) {
          if (batch.length === 1 || isTransientInfrastructureError(err)) {
            for (const b of batch) b.reject(err);
            continue;
          }
          for (const b of batch) {
            try {
              const [one] = await this.run([b.item]);
              b.resolve(one);
            } catch (e) {
              b.reject(e);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
