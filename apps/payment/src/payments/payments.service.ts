import { randomBytes, randomUUID } from 'node:crypto';
import {
  type EventPayload,
  paymentNotRequiredV1,
  paymentRequestedV1,
  type submissionSubmittedV1,
} from '@amtsbote/contracts';
import { OutboxWriter, RepresentationService } from '@amtsbote/messaging';
import { APP_CONFIG, type Principal, principalKey, ProblemException } from '@amtsbote/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sanitizeId } from '../common/sanitize';
import type { PaymentConfig } from '../config';
import { FeesService } from '../fees/fees.service';
import { ProviderError } from '../providers/provider';
import { ProviderRegistry } from '../providers/provider-registry';
import type { PaymentDto, StartPaymentDto } from './payments.dto';
import { type SubmissionEntity, TransactionEntity } from './payments.entity';
import { PaymentsRepository } from './payments.repository';
import { providerProblem } from './provider-problem';

export interface Caller {
  principal: Principal;
  /** `X-Act-For`: the organisation the caller acts for. */
  actFor?: string;
}

const PAYMENT = { de: 'Die Zahlung', en: 'The payment' };

function toDto(sub: SubmissionEntity, tx: TransactionEntity | null): PaymentDto {
  if (!sub.feeRequired || !tx)
    return { submissionId: sub.submissionId, required: false, state: 'NOT_REQUIRED' };
  return {
    submissionId: sub.submissionId,
    required: true,
    state: tx.state,
    transactionId: tx.id,
    amountCents: tx.amountCents,
    currency: tx.currency,
    purpose: tx.purpose,
    description: tx.description,
    expiresAt: tx.expiresAt,
    redirectUrl: tx.state === 'INITIAL' ? (tx.providerRedirectUrl ?? undefined) : undefined,
    paymentMethod: tx.paymentMethod ?? undefined,
    paidAt: tx.paidAt ?? undefined,
  };
}

/** The fee of a submission and the citizen's way to pay it. */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger('Payments');

  constructor(
    private readonly repo: PaymentsRepository,
    private readonly fees: FeesService,
    private readonly outbox: OutboxWriter,
    private readonly providers: ProviderRegistry,
    private readonly representation: RepresentationService,
    @Inject(APP_CONFIG) private readonly config: PaymentConfig,
  ) {}

  /**
   * `submission.submitted`: look up the fee. None → `payment.not-required`; otherwise a transaction in
   * INITIAL with the amount and texts fixed now, and `payment.requested`. Runs in the consumer's transaction.
   */
  async onSubmitted(manager: EntityManager, d: EventPayload<typeof submissionSubmittedV1>): Promise<void> {
    const fee = await this.fees.applicable(manager, d.tenant, d.leikaKey, d.ars);
    const isNew = await this.repo.insertSubmission(manager, {
      submissionId: d.submissionId,
      tenant: d.tenant,
      vorgangsnummer: d.vorgangsnummer,
      leikaKey: d.leikaKey,
      ars: d.ars,
      ownerKey: d.applicant.ownerKey,
      feeRequired: fee !== undefined,
    });
    if (!isNew) {
      this.logger.warn({ submissionId: d.submissionId }, 'submission known already; event ignored');
      return;
    }
    const ref = { submissionId: d.submissionId, tenant: d.tenant };
    if (!fee) {
      await this.outbox.add(manager, {
        contract: paymentNotRequiredV1,
        subject: d.submissionId,
        tenant: d.tenant,
        data: ref,
      });
      this.logger.log({ ...ref, leikaKey: d.leikaKey, ars: d.ars }, 'no fee: payment not required');
      return;
    }
    const now = new Date();
    const tx = Object.assign(new TransactionEntity(), {
      id: randomUUID(),
      submissionId: d.submissionId,
      tenant: d.tenant,
      feeId: fee.id,
      amountCents: fee.amountCents,
      currency: 'EUR' as const,
      purpose: fee.purpose,
      description: fee.description,
      itemReference: sanitizeId(d.vorgangsnummer),
      bookingData: fee.bookingData,
      state: 'INITIAL' as const,
      expiresAt: new Date(now.getTime() + this.config.PAYMENT_DEADLINE_SECONDS * 1000),
      callbackToken: randomBytes(32).toString('base64url'),
      providerKind: null,
      providerEnvironment: null,
      providerTransactionId: null,
      providerStatusUrl: null,
      providerRedirectUrl: null,
      providerReference: null,
      portalReturnUrl: null,
      paymentMethod: null,
      paymentMethodDetail: null,
      statusDetail: null,
      paidAt: null,
      lastCheckedAt: null,
      checkCount: 0,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    });
    tx.requestId = tx.id;
    // The Vorgangsnummer is the reference the Kasse matches the booking with; the transaction id if it has no usable characters.
    tx.itemReference = tx.itemReference === '' ? tx.id : tx.itemReference;
    await this.repo.insertTransaction(manager, tx);
    await this.outbox.add(manager, {
      contract: paymentRequestedV1,
      subject: d.submissionId,
      tenant: d.tenant,
      data: {
        ...ref,
        transactionId: tx.id,
        amountCents: tx.amountCents,
        currency: 'EUR',
        purpose: tx.purpose,
        expiresAt: tx.expiresAt.toISOString(),
      },
    });
    this.logger.log(
      { ...ref, transactionId: tx.id, feeId: fee.id, amountCents: tx.amountCents, leikaKey: d.leikaKey },
      'fee due: payment requested',
    );
  }

  async view(submissionId: string, caller: Caller): Promise<PaymentDto> {
    const sub = await this.authorized(submissionId, caller);
    const tx = await this.repo.findBySubmission(submissionId);
    return toDto(sub, tx);
  }

  /**
   * Opens the payment at the provider, or returns the open one. Concurrent calls for one submission are
   * serialised on its transaction row, so the provider sees one request. Whatever the provider answers,
   * the amount is the one fixed from the fee schedule.
   */
  async start(
    submissionId: string,
    caller: Caller,
    input: StartPaymentDto,
    requestBaseUrl: string,
  ): Promise<{ payment: PaymentDto; created: boolean }> {
    const sub = await this.authorized(submissionId, caller);
    const portalReturnUrl = input.returnUrl === undefined ? null : this.checkedReturnUrl(input.returnUrl);
    const existing = await this.repo.findBySubmission(submissionId);
    if (!sub.feeRequired || !existing) {
      throw ProblemException.conflict(
        'payment-not-required',
        { de: 'Keine Zahlung nötig', en: 'No payment required' },
        { de: 'Für diesen Antrag ist keine Gebühr zu zahlen.', en: 'No fee is due for this submission.' },
      );
    }
    this.assertOpen(existing);
    if (existing.providerRedirectUrl) return { payment: toDto(sub, existing), created: false };

    const resolved = await this.providers.forTenant(sub.tenant).catch((err: unknown) => {
      if (err instanceof ProviderError) {
        this.logger.error({ tenant: sub.tenant, reason: err.message }, 'no usable payment provider');
        throw providerProblem(err);
      }
      throw err;
    });
    const base = this.config.PAYMENT_PUBLIC_BASE_URL ?? requestBaseUrl;

    const result = await this.repo.transaction(async (manager) => {
      const tx = await this.repo.lockBySubmission(manager, submissionId);
      if (!tx) throw ProblemException.notFound(PAYMENT);
      this.assertOpen(tx);
      // Someone else opened it while we waited for the lock.
      if (tx.providerRedirectUrl) return { tx, created: false, failure: undefined };
      const callbackQuery = `token=${encodeURIComponent(tx.callbackToken)}`;
      try {
        const session = await resolved.provider.create({
          requestId: tx.requestId,
          amountCents: tx.amountCents,
          purpose: tx.purpose,
          description: tx.description,
          itemId: tx.feeId ?? tx.id,
          itemReference: tx.itemReference,
          bookingData: tx.bookingData,
          redirectUrl: `${base}/payments/${tx.id}/return?${callbackQuery}`,
          notifyUrl: `${base}/payments/${tx.id}/notifications?${callbackQuery}`,
          requestTimestamp: new Date(),
        });
        const fields = {
          providerKind: resolved.kind,
          providerEnvironment: resolved.environment,
          providerTransactionId: session.providerTransactionId,
          providerStatusUrl: session.statusUrl,
          providerRedirectUrl: session.redirectUrl,
          providerReference: session.reference ? sanitizeId(session.reference) || null : null,
          portalReturnUrl,
        };
        await this.repo.saveSession(manager, tx.id, fields);
        this.logger.log(
          {
            tenant: tx.tenant,
            submissionId,
            transactionId: tx.id,
            amountCents: tx.amountCents,
            provider: resolved.kind,
            providerTransactionId: session.providerTransactionId,
            requestId: tx.requestId,
          },
          'payment opened at the provider',
        );
        return { tx: Object.assign(tx, fields), created: true, failure: undefined };
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        // Nothing of the attempt is kept. If the provider may have created something, the next attempt
        // uses a fresh requestId so it cannot collide with (or revive) that unknown transaction.
        if (err.uncertain || err.kind === 'exists')
          await this.repo.rotateRequestId(manager, tx.id, randomUUID());
        this.logger.warn(
          {
            tenant: tx.tenant,
            submissionId,
            transactionId: tx.id,
            amountCents: tx.amountCents,
            provider: resolved.kind,
            failure: err.kind,
            providerCode: err.details.providerCode,
            httpStatus: err.details.httpStatus,
            reason: err.message,
          },
          'opening the payment at the provider failed',
        );
        return { tx, created: false, failure: err };
      }
    });
    if (result.failure) throw providerProblem(result.failure);
    return { payment: toDto(sub, result.tx), created: result.created };
  }

  /** The submission if the caller owns it or represents its owner; 404 otherwise (existence is not revealed). */
  private async authorized(submissionId: string, caller: Caller): Promise<SubmissionEntity> {
    const sub = await this.repo.findSubmission(submissionId);
    if (!sub || sub.ownerKey === null) throw ProblemException.notFound(PAYMENT);
    const callerKey = principalKey(caller.principal);
    const allowed = caller.actFor
      ? (await this.representation.actingParty(callerKey, caller.actFor, sub.leikaKey)).ownerKey ===
        sub.ownerKey
      : await this.representation.maySee(callerKey, sub.ownerKey, sub.leikaKey);
    if (!allowed) throw ProblemException.notFound(PAYMENT);
    return sub;
  }

  private assertOpen(tx: TransactionEntity): void {
    if (tx.state !== 'INITIAL') {
      throw new ProblemException({
        status: 409,
        code: 'payment-closed',
        title: { de: 'Zahlung abgeschlossen', en: 'Payment closed' },
        detail: {
          de: `Diese Zahlung ist abgeschlossen (${tx.state}) und kann nicht erneut begonnen werden.`,
          en: `This payment is closed (${tx.state}) and cannot be started again.`,
        },
        extensions: { state: tx.state },
      });
    }
    if (tx.expiresAt.getTime() <= Date.now()) {
      throw new ProblemException({
        status: 409,
        code: 'payment-expired',
        title: { de: 'Zahlungsfrist abgelaufen', en: 'Payment deadline passed' },
        detail: {
          de: 'Die Frist für die Zahlung dieses Antrags ist abgelaufen.',
          en: 'The deadline for paying this submission has passed.',
        },
        extensions: { state: 'EXPIRED' },
      });
    }
  }

  /** Only portals this installation knows may receive the citizen back (no open redirect). */
  private checkedReturnUrl(value: string): string {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      !/^https?:$/.test(url.protocol) ||
      url.username ||
      url.password ||
      !this.config.PAYMENT_RETURN_URL_ORIGINS.includes(url.origin)
    ) {
      throw ProblemException.unprocessable(
        'return-url-not-allowed',
        { de: 'Rücksprungadresse nicht erlaubt', en: 'Return URL not allowed' },
        [
          {
            path: '/returnUrl',
            code: 'return-url-not-allowed',
            message: {
              de: 'Die Rücksprungadresse gehört zu keinem zugelassenen Portal.',
              en: 'The return URL does not belong to an allowed portal.',
            },
          },
        ],
      );
    }
    return url.toString();
  }
}
