import { accountDeletedV1 } from '@amtsbote/contracts';
import { OutboxWriter } from '@amtsbote/messaging';
import { FILE_STORE, type FileStore } from '@amtsbote/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AccountsRepository } from '../accounts/accounts.repository';
import { AuditService } from '../audit/audit.service';
import { PostkorbService } from '../postkorb/postkorb.service';
import { ProjectionsService } from '../projections/projections.service';
import { MandatesRepository } from '../representation/mandates.repository';
import { MandatesService } from '../representation/mandates.service';

/**
 * The right to erasure: profile, Postkorb (messages, files, notifications), timelines and mandates go in one
 * transaction. Submissions in flight are not touched (they belong to intake); their later events are dropped
 * because accounts remembers when the account was erased.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger('Erasure');

  constructor(
    private readonly accounts: AccountsRepository,
    private readonly mandates: MandatesRepository,
    private readonly mandatesService: MandatesService,
    private readonly postkorb: PostkorbService,
    private readonly projections: ProjectionsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxWriter,
    @Inject(FILE_STORE) private readonly store: FileStore,
  ) {}

  async erase(accountKey: string): Promise<void> {
    const fileIds = await this.accounts.transaction(async (manager) => {
      await this.accounts.lock(manager, accountKey);
      for (const m of await this.mandates.unrevokedInvolving(manager, accountKey)) {
        await this.mandatesService.revokeOne(manager, m.mandateId, accountKey);
      }
      await this.mandates.deleteOfOrganisation(manager, accountKey);
      const files = await this.postkorb.eraseOwner(manager, accountKey);
      await this.projections.eraseOwner(manager, accountKey);
      await this.audit.deleteOwner(manager, accountKey);
      await this.accounts.delete(manager, accountKey);
      await this.outbox.add(manager, {
        contract: accountDeletedV1,
        subject: accountKey,
        data: { accountKey, deletedAt: new Date().toISOString() },
      });
      return files;
    });
    // After the commit: a failed removal leaves an unreferenced file, never a message without its file.
    for (const id of fileIds) {
      await this.store.delete(id).catch((err: unknown) => {
        this.logger.error({ fileId: id, err: (err as Error).message }, 'could not remove an erased file');
      });
    }
  }
}
