import type { Principal } from '@amtsbote/platform';
import { Injectable } from '@nestjs/common';
import { adminScope, scopeTenant } from '../common/access';
import { UnroutableRepository } from './unroutable.repository';
import type { UnroutableDto, UnroutableQueryDto } from './unroutable.dto';

/** Submissions routing failed with NO_AUTHORITY, for the admins who have to add the missing route. */
@Injectable()
export class UnroutableService {
  constructor(private readonly repository: UnroutableRepository) {}

  list(p: Principal, q: UnroutableQueryDto): Promise<UnroutableDto[]> {
    return this.repository.list({
      tenant: scopeTenant(adminScope(p)),
      since: q.since === undefined ? undefined : new Date(q.since),
      limit: q.limit ?? 100,
    });
  }
}
