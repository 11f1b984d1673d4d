import { ACT_FOR_HEADER, ProblemException, Public } from '@amtsbote/platform';
import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Patch,
  Post,
  Query,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccountInterceptor, CurrentAccount } from './account.context';
import { AccountDto, ConfirmEmailDto, EmailConfirmedDto, UpdateAccountDto } from './accounts.dto';
import type { Account } from './accounts.repository';
import { AccountsService } from './accounts.service';

/** Settings of the own account are never changed for someone else. */
export function refuseActFor(caller: Account, actFor: string | undefined): void {
  if (actFor && actFor !== caller.key) {
    throw ProblemException.badRequest('act-for-not-allowed', {
      de: 'Diese Aktion ist nur für das eigene Konto möglich (ohne X-Act-For)',
      en: 'This action is only possible for your own account (without X-Act-For)',
    });
  }
}

@ApiTags('account')
@ApiBearerAuth()
@UseInterceptors(AccountInterceptor)
@Controller('me')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in account (created on the first call from the token)' })
  @ApiResponse({ status: 200, type: AccountDto })
  me(@CurrentAccount() account: Account, @Headers(ACT_FOR_HEADER) actFor?: string): AccountDto {
    refuseActFor(account, actFor);
    return this.accounts.toDto(account);
  }

  @Patch()
  @ApiOperation({
    summary: 'Change the display name or the contact e-mail (a new address must be confirmed)',
  })
  @ApiResponse({ status: 200, type: AccountDto })
  update(
    @CurrentAccount() account: Account,
    @Body() body: UpdateAccountDto,
    @Headers(ACT_FOR_HEADER) actFor?: string,
  ): Promise<AccountDto> {
    refuseActFor(account, actFor);
    return this.accounts.update(account, body);
  }
}

/** The link in the confirmation e-mail; the token alone proves control of the mailbox. */
@ApiTags('account')
@Controller('email-confirmations')
export class EmailConfirmationsController {
  constructor(private readonly accounts: AccountsService) {}

  @Public()
  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm a contact e-mail address with the token from the link (for portals)' })
  @ApiResponse({ status: 200, type: EmailConfirmedDto })
  async confirm(@Body() body: ConfirmEmailDto): Promise<EmailConfirmedDto> {
    await this.accounts.confirmEmail(body.token);
    return { confirmed: true };
  }

  @Public()
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', "default-src 'none'")
  @ApiOperation({ summary: 'Confirm a contact e-mail address by opening the link from the e-mail' })
  @ApiProduces('text/html')
  async confirmByLink(@Query() query: ConfirmEmailDto): Promise<string> {
    await this.accounts.confirmEmail(query.token);
    return [
      '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>E-Mail-Adresse bestätigt</title></head>',
      '<body><h1>E-Mail-Adresse bestätigt</h1><p>Sie erhalten ab jetzt Benachrichtigungen über neue Nachrichten in Ihrem Postkorb.</p>',
      '<h2 lang="en">E-mail address confirmed</h2><p lang="en">From now on you will be notified of new messages in your Postkorb.</p>',
      '</body></html>',
    ].join('');
  }
}
