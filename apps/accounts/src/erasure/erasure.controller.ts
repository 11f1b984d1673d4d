import { ACT_FOR_HEADER } from '@amtsbote/platform';
import { Controller, Delete, Headers, HttpCode, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccountInterceptor, CurrentAccount } from '../accounts/account.context';
import { refuseActFor } from '../accounts/accounts.controller';
import type { Account } from '../accounts/accounts.repository';
import { ErasureService } from './erasure.service';

@ApiTags('account')
@ApiBearerAuth()
@UseInterceptors(AccountInterceptor)
@Controller('me')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Erase the account with its Postkorb (GDPR); mandates it granted or held are revoked',
  })
  @ApiResponse({ status: 204 })
  async erase(@CurrentAccount() account: Account, @Headers(ACT_FOR_HEADER) actFor?: string): Promise<void> {
    refuseActFor(account, actFor);
    await this.erasure.erase(account.key);
  }
}
