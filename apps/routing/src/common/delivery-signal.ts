/**
 * Tells this process's delivery worker that messages became due (a ready submission was taken in, a dead
 * letter redelivered), after the transaction that made them due committed: the worker claims them at once
 * instead of at its next poll. In-process, like the outbox's signal; the poll finds other replicas' work.
 */
export class DeliverySignal {
  private readonly listeners = new Set<() => void>();

  wake(): void {
    for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
