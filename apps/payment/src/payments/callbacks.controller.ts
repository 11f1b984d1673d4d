import { PatternPipe, ProblemException, Public, UuidPipe } from '@amtsbote/platform';
import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { formatEuros } from '../common/money';
import { ConfirmationService } from './confirmation.service';
import type { TransactionEntity } from './payments.entity';

const NOT_FOUND = { de: 'Die Zahlung', en: 'The payment' };

/**
 * The callback token as payment made it (base64url). A pipe, not a DTO: the provider may add query
 * parameters of its own to these URLs, and they must not be refused.
 */
const TOKEN = new PatternPipe(/^[A-Za-z0-9_-]{1,128}$/);

const PAGE_TEXT: Readonly<Record<TransactionEntity['state'], { de: string; en: string }>> = {
  INITIAL: {
    de: 'Ihre Zahlung ist noch nicht bestätigt. Wir prüfen sie beim Zahlungsdienstleister und melden uns.',
    en: 'Your payment is not confirmed yet. We are checking it with the payment provider.',
  },
  PAYED: { de: 'Vielen Dank, Ihre Zahlung ist eingegangen.', en: 'Thank you, your payment was received.' },
  FAILED: { de: 'Die Zahlung ist fehlgeschlagen.', en: 'The payment failed.' },
  CANCELED: { de: 'Sie haben die Zahlung abgebrochen.', en: 'You cancelled the payment.' },
  EXPIRED: { de: 'Die Zahlungsfrist ist abgelaufen.', en: 'The payment deadline has passed.' },
};

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A minimal page for providers configured without a portal return URL. */
function page(tx: TransactionEntity): string {
  const t = PAGE_TEXT[tx.state];
  return `<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Zahlung</title></head>
<body><main>
<h1>Zahlung / Payment</h1>
<p>${escape(t.de)}</p>
<p lang="en">${escape(t.en)}</p>
<p>${escape(tx.purpose)} – ${escape(formatEuros(tx.amountCents))}</p>
<p>Sie können dieses Fenster schließen. / You may close this window.</p>
</main></body></html>`;
}

/**
 * Where the provider sends the citizen back and where it may notify us. Both are public, need the
 * transaction's callback token, and only ever trigger our own status query at the provider: their
 * content is not read.
 */
@ApiTags('payment callbacks')
@Public()
@Controller('payments/:transactionId')
export class CallbacksController {
  constructor(private readonly confirmation: ConfirmationService) {}

  @Get('return')
  @ApiOperation({
    summary: 'Return from the pay page: checks the status at the provider, then back to the portal',
  })
  @ApiQuery({ name: 'token', required: true })
  @ApiResponse({ status: 303, description: "To the portal's return URL with `payment=<state>`" })
  @ApiResponse({ status: 200, description: 'A short status page when no portal return URL was given' })
  async returned(
    @Param('transactionId', UuidPipe) transactionId: string,
    @Query('token', TOKEN) token: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const tx = await this.confirmation.callback(transactionId, token, 'return');
    if (!tx) throw ProblemException.notFound(NOT_FOUND);
    // A FastifyReply is thenable: awaiting it waits for the response itself, so headers are set with void.
    void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (tx.portalReturnUrl) {
      const url = new URL(tx.portalReturnUrl);
      url.searchParams.set('payment', tx.state);
      url.searchParams.set('submissionId', tx.submissionId);
      await reply.code(303).header('location', url.toString()).send();
      return;
    }
    await reply.code(200).type('text/html; charset=utf-8').send(page(tx));
  }

  @Post('notifications')
  @HttpCode(204)
  @ApiOperation({ summary: "A provider's notification: triggers a status query, its content is ignored" })
  @ApiQuery({ name: 'token', required: true })
  @ApiResponse({ status: 204, description: 'Taken note (the state follows the provider’s status answer)' })
  async notified(
    @Param('transactionId', UuidPipe) transactionId: string,
    @Query('token', TOKEN) token: string | undefined,
  ): Promise<void> {
    const tx = await this.confirmation.callback(transactionId, token, 'notification');
    if (!tx) throw ProblemException.notFound(NOT_FOUND);
  }
}
