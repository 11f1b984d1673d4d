import { randomBytes } from 'node:crypto';
import { APP_CONFIG, type Principal, principalKey, ProblemException } from '@amtsbote/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { AccountsConfig } from '../config';
import { hashToken, NotificationsService } from '../notifications/notifications.service';
import { type Account, AccountsRepository } from './accounts.repository';
import type { AccountDto, UpdateAccountDto } from './accounts.dto';

@Injectable()
export class AccountsService {
  constructor(
    private readonly repository: AccountsRepository,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AccountsConfig,
  ) {}

  /** The caller's account, created from the verified token on the first call; never from client input. */
  async ensure(principal: Principal): Promise<Account> {
    if (principal.kind === 'client') {
      throw ProblemException.forbidden({
        de: 'Technische Clients haben kein Konto im Postkorb.',
        en: 'Technical clients have no Postkorb account.',
      });
    }
    return this.repository.upsertFromLogin({
      key: principalKey(principal),
      issuer: principal.issuer,
      subject: principal.subject,
      kind: principal.kind,
      tokenName: principal.name?.slice(0, 200) ?? null,
      trustLevel: principal.trustLevel,
    });
  }

  find(key: string): Promise<Account | undefined> {
    return this.repository.find(key);
  }

  toDto(a: Account): AccountDto {
    return {
      id: a.id,
      key: a.key,
      kind: a.kind,
      displayName: a.displayNameOverride ?? a.tokenName,
      trustLevel: a.trustLevel,
      email: a.emailConfirmedAt ? a.email : null,
      emailPending: a.emailPending,
      createdAt: a.createdAt,
      lastSeenAt: a.lastSeenAt,
    };
  }

  async update(account: Account, change: UpdateAccountDto): Promise<AccountDto> {
    if (typeof change.email === 'string' && !this.notifications.sending) {
      // Without SMTP the confirmation link could never arrive.
      throw ProblemException.conflict(
        'notifications-unavailable',
        {
          de: 'E-Mail-Benachrichtigungen sind nicht eingerichtet',
          en: 'E-mail notifications are not set up',
        },
        {
          de: 'Dieser Dienst versendet keine E-Mails; eine Kontaktadresse kann deshalb nicht bestätigt werden.',
          en: 'This service sends no e-mails, so a contact address cannot be confirmed.',
        },
      );
    }
    await this.repository.transaction(async (manager) => {
      const current = await this.repository.lock(manager, account.key);
      if (!current) throw ProblemException.notFound({ de: 'Das Konto', en: 'The account' });
      if (change.displayName !== undefined) {
        await this.repository.setDisplayName(manager, account.key, change.displayName?.trim() || null);
      }
      if (change.email === null) {
        await this.repository.removeEmail(manager, account.key);
      } else if (change.email !== undefined) {
        const email = change.email.trim();
        if (current.emailConfirmedAt && current.email?.toLowerCase() === email.toLowerCase()) return;
        const token = randomBytes(32).toString('base64url');
        const expiresAt = new Date(Date.now() + this.config.ACCOUNTS_EMAIL_TOKEN_TTL_HOURS * 3_600_000);
        await this.repository.setPendingEmail(manager, account.key, email, hashToken(token), expiresAt);
        await this.notifications.confirmation(manager, account.key, token);
      }
    });
    const updated = await this.repository.find(account.key);
    if (!updated) throw ProblemException.notFound({ de: 'Das Konto', en: 'The account' });
    return this.toDto(updated);
  }

  async confirmEmail(token: string): Promise<void> {
    const key = await this.repository.confirmEmail(hashToken(token));
    if (!key) {
      throw new ProblemException({
        status: 404,
        code: 'invalid-confirmation-token',
        title: { de: 'Bestätigungslink ungültig', en: 'Confirmation link invalid' },
        detail: {
          de: 'Der Bestätigungslink ist unbekannt, wurde schon benutzt oder ist abgelaufen. Bitte tragen Sie Ihre E-Mail-Adresse erneut ein.',
          en: 'The confirmation link is unknown, was used already or has expired. Please enter your e-mail address again.',
        },
      });
    }
  }
}
