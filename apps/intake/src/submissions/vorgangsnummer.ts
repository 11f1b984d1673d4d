const BERLIN_YEAR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', year: 'numeric' });

/** The calendar year in Germany at `at` (a submission at 00:30 on 1 January belongs to the new year). */
export function germanYear(at: Date): number {
  return Number(BERLIN_YEAR.format(at));
}

/** `HB-2026-000123`: tenant, year, a number counted per tenant and year (six digits, more when needed). */
export function formatVorgangsnummer(tenant: string, year: number, n: number): string {
  return `${tenant.toUpperCase()}-${year}-${String(n).padStart(6, '0')}`;
}

/**
 * Hands out numbers from blocks reserved in the database, so a busy intake does not spend a round trip per
 * submission on its counter. A block covers the callers waiting for a number and about `blockMs` of the
 * recent demand (one number when it is quiet, so numbers stay consecutive in a quiet hour); what a process has reserved but not used when it
 * stops is a gap, like a failed submission's number.
 */
export class NumberBlocks {
  private readonly blocks = new Map<string, { next: number; last: number }>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly demand = new Map<string, { since: number; count: number; perSecond: number }>();
  private readonly waiting = new Map<string, number>();

  constructor(
    /** Reserves `count` numbers of `key` and returns the last of them. */
    private readonly reserve: (key: string, count: number) => Promise<number>,
    private readonly o: { blockMs: number; maxBlock: number; now?: () => number } = {
      blockMs: 50,
      maxBlock: 100,
    },
  ) {}

  async next(key: string): Promise<number> {
    this.count(key);
    const block = this.blocks.get(key);
    if (block && block.next <= block.last) return block.next++;
    this.waiting.set(key, (this.waiting.get(key) ?? 0) + 1);
    try {
      return await this.fromNewBlock(key);
    } finally {
      this.waiting.set(key, (this.waiting.get(key) ?? 1) - 1);
    }
  }

  private async fromNewBlock(key: string): Promise<number> {
    for (;;) {
      const block = this.blocks.get(key);
      if (block && block.next <= block.last) return block.next++;
      let reserving = this.pending.get(key);
      if (!reserving) {
        const size = this.blockSize(key);
        reserving = this.reserve(key, size)
          .then((last) => void this.blocks.set(key, { next: last - size + 1, last }))
          .finally(() => this.pending.delete(key));
        this.pending.set(key, reserving);
      }
      await reserving;
    }
  }

  private count(key: string): void {
    const now = (this.o.now ?? Date.now)();
    const d = this.demand.get(key) ?? { since: now, count: 0, perSecond: 0 };
    if (now - d.since >= 1000) {
      d.perSecond = (d.count * 1000) / (now - d.since);
      d.since = now;
      d.count = 0;
    }
    d.count++;
    this.demand.set(key, d);
  }

  private blockSize(key: string): number {
    const perSecond = this.demand.get(key)?.perSecond ?? 0;
    const recent = Math.ceil((perSecond * this.o.blockMs) / 1000);
    return Math.max(1, Math.min(this.o.maxBlock, Math.max(recent, this.waiting.get(key) ?? 0)));
  }
}
