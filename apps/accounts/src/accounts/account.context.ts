import type { AuthenticatedRequest } from '@amtsbote/platform';
import {
  type CallHandler,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { Account } from './accounts.repository';
import { AccountsService } from './accounts.service';

interface AccountRequest extends AuthenticatedRequest {
  account?: Account;
}

/**
 * Every authenticated call to accounts makes sure the caller's account exists (created from the token on the
 * first call) and refreshes its trust level and last-seen time.
 */
@Injectable()
export class AccountInterceptor implements NestInterceptor {
  constructor(private readonly accounts: AccountsService) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<AccountRequest>();
    if (request.principal) request.account = await this.accounts.ensure(request.principal);
    return next.handle();
  }
}

/** The caller's own account (needs {@link AccountInterceptor} on the controller). */
export const CurrentAccount = createParamDecorator((_data: unknown, context: ExecutionContext): Account => {
  const account = context.switchToHttp().getRequest<AccountRequest>().account;
  if (!account) throw new Error('CurrentAccount used without AccountInterceptor');
  return account;
});
