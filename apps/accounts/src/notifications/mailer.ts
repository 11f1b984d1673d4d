import { APP_CONFIG } from '@amtsbote/platform';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { AccountsConfig } from '../config';
import type { EmailText } from './email-texts';

/** SMTP through nodemailer; disabled (and nothing is queued) when SMTP_HOST is not set. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transport?: Transporter;
  private readonly from: string;

  constructor(@Inject(APP_CONFIG) config: AccountsConfig) {
    this.from = config.SMTP_FROM;
    if (config.SMTP_HOST) {
      this.transport = createTransport({
        host: config.SMTP_HOST,
        port: config.SMTP_PORT,
        secure: config.SMTP_SECURE,
        auth:
          config.SMTP_USER && config.SMTP_PASSWORD
            ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD }
            : undefined,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
    }
  }

  get enabled(): boolean {
    return this.transport !== undefined;
  }

  async send(to: string, mail: EmailText): Promise<void> {
    if (!this.transport) throw new Error('SMTP is not configured');
    await this.transport.sendMail({
      from: this.from,
      to,
      subject: mail.subject,
      text: mail.text,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
