import { randomUUID } from 'node:crypto';
import type { EventContract, EventPayload } from '@amtsbote/contracts';
import { preparedQuery } from '@amtsbote/platform';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';

export interface EventDraft<C extends EventContract> {
  contract: C;
  /** CloudEvents subject and Kafka key: the aggregate id (usually the submission id). */
  subject: string;
  data: EventPayload<C>;
  tenant?: string;
  traceparent?: string;
  /** A stable id makes re-emission idempotent; new events get a random UUID. */
  id?: string;
}

/** Events carry references and facts, not files: well below the broker's 1 MiB per record batch. */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * Tells the relay of this process that events were written. In-process on purpose: NOTIFY would take
 * PostgreSQL's global notification lock at every commit and serialise all writing transactions; relays
 * of other replicas find the rows by polling.
 */
export class OutboxSignal {
  private readonly listeners = new Set<() => void>();

  written(): void {
    for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Writes events to the outbox inside the caller's transaction: they are published if and only if that
 * transaction commits. The payload is checked against its contract here so a bad event fails the
 * producer's transaction instead of poisoning consumers.
 */
export class OutboxWriter {
  constructor(
    private readonly schema: string,
    private readonly source: string,
    private readonly signal?: OutboxSignal,
  ) {}

  async add<C extends EventContract>(manager: EntityManager, draft: EventDraft<C>): Promise<string> {
    const [id] = await this.addMany(manager, [draft]);
    return id;
  }

  async addMany(manager: EntityManager, drafts: Array<EventDraft<EventContract>>): Promise<string[]> {
    if (drafts.length === 0) return [];
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxWriter.add must run inside a transaction (use dataSource.transaction)');
    }
    const prepared = this.prepare(drafts);
    await preparedQuery(manager, `outbox-insert-${this.schema}`, this.insertSql(1, 2), [
      prepared.rows,
      prepared.source,
    ]);
    this.written(manager);
    return prepared.ids;
  }

  /**
   * Checks events against their contracts and turns them into the parameters of `insertSql`, for a caller
   * that writes them within its own statement (one round trip less on a hot path). That statement must be
   * atomic with the caller's effect — a single statement is — and the caller calls `written(manager)` after it.
   */
  prepare(drafts: Array<EventDraft<EventContract>>): PreparedEvents {
    const rows = drafts.map((d) => {
      const parsed = d.contract.schema.safeParse(d.data);
      if (!parsed.success) {
        throw new Error(`Event ${d.contract.type} does not match its contract: ${parsed.error.message}`);
      }
      const data = JSON.stringify(parsed.data);
      if (Buffer.byteLength(data) > MAX_EVENT_BYTES) {
        // The broker would refuse it for ever and hold up every event behind it.
        throw new Error(`Event ${d.contract.type} is larger than ${MAX_EVENT_BYTES} bytes; send a reference`);
      }
      return {
        id: d.id ?? randomUUID(),
        topic: d.contract.topic,
        key: d.subject,
        type: d.contract.type,
        subject: d.subject,
        tenant: d.tenant ?? null,
        traceparent: d.traceparent ?? null,
        data,
      };
    });
    return { ids: rows.map((r) => r.id), rows: JSON.stringify(rows), source: this.source };
  }

  /**
   * The INSERT of prepared events, usable as a data-modifying CTE: `$rowsParam` and `$sourceParam` are the
   * statement's parameter numbers for `rows` and `source`; `onlyIf` (SQL) makes the insert conditional.
   */
  insertSql(rowsParam: number, sourceParam: number, onlyIf?: string): string {
    return `INSERT INTO "${this.schema}".outbox (id, topic, key, type, source, subject, tenant, traceparent, data, time)
       SELECT r.id, r.topic, r.key, r.type, $${sourceParam}, r.subject, r.tenant, r.traceparent, r.data::jsonb, now()
       FROM jsonb_to_recordset($${rowsParam}::jsonb) AS r(id uuid, topic text, key text, type text, subject text,
            tenant text, traceparent text, data text)${onlyIf ? ` WHERE ${onlyIf}` : ''}`;
  }

  /**
   * Wakes this process's relay once events written through `manager` are committed: at once outside a
   * transaction, else when its transaction commits (woken before, the relay would find nothing and wait for
   * its next poll).
   */
  written(manager?: EntityManager): void {
    const runner = manager?.queryRunner;
    if (runner?.isTransactionActive) {
      watchCommits(manager!.connection);
      pendingWake.set(runner, this);
      return;
    }
    this.signal?.written();
  }
}

/** Query runners whose open transaction wrote events, and the writer to wake the relay of on commit. */
const pendingWake = new WeakMap<QueryRunner, OutboxWriter>();
const watched = new WeakSet<DataSource>();

/** Data sources get one subscriber that turns a commit of a transaction that wrote events into a wake-up. */
function watchCommits(dataSource: DataSource): void {
  if (watched.has(dataSource)) return;
  watched.add(dataSource);
  const subscriber: EntitySubscriberInterface = {
    afterTransactionCommit: ({ queryRunner }) => {
      // A savepoint's release reports a commit too; the events are visible when the outermost one commits.
      if (queryRunner.isTransactionActive) return;
      const writer = pendingWake.get(queryRunner);
      pendingWake.delete(queryRunner);
      writer?.written();
    },
    afterTransactionRollback: ({ queryRunner }) => {
      if (!queryRunner.isTransactionActive) pendingWake.delete(queryRunner);
    },
  };
  dataSource.subscribers.push(subscriber);
}

/** Events checked against their contracts, ready for `OutboxWriter.insertSql`. */
export interface PreparedEvents {
  ids: string[];
  /** JSON array of the outbox rows. */
  rows: string;
  source: string;
}
