import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AuditEntry, AuditRepository } from './audit.repository';

/** Who acted, and for whom; the party a representative acted for (Postkorb, mandates). */
export interface ActingParty {
  ownerKey: string;
  /** Set when a representative acted for the owner. */
  actedByKey?: string;
}

/** The audit log of accounts: every feature records through this service, in its own transaction. */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  record(manager: EntityManager, e: AuditEntry): Promise<void> {
    return this.repository.record(manager, e);
  }

  /** Representatives' actions are recorded: who acted for whom (an owner's own actions are not). */
  async recordActed(
    manager: EntityManager,
    party: ActingParty,
    action: string,
    target: string,
  ): Promise<void> {
    if (!party.actedByKey) return;
    await this.repository.record(manager, {
      actorKey: party.actedByKey,
      ownerKey: party.ownerKey,
      action,
      target,
    });
  }

  list(ownerKey: string, limit: number): ReturnType<AuditRepository['list']> {
    return this.repository.list(ownerKey, limit);
  }

  /** Erasure: what concerned the erased account goes with it. */
  deleteOwner(manager: EntityManager, ownerKey: string): Promise<void> {
    return this.repository.deleteOwner(manager, ownerKey);
  }
}
