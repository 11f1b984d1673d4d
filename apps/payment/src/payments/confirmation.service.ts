import { timingSafeEqual } from 'node:crypto';
import { paymentExpiredV1, paymentFailedV1, paymentSettledV1 } from '@amtsbote/contracts';
import { OutboxWriter } from '@amtsbote/messaging';
import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { register } from 'prom-client';
import { centsToEuros } from '../common/money';
import { sanitizeId, sanitizeText } from '../common/sanitize';
import { type PaymentStatusReport, ProviderError } from '../providers/provider';
import { ProviderRegistry } from '../providers/provider-registry';
import { fitConnectMethod } from './payment-method';
import type { TransactionEntity } from './payments.entity';
import { PaymentsRepository } from './payments.repository';

export type CheckTrigger = 'return' | 'notification' | 'reconcile';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

const transitions = () =>
  counter('amtsbote_payment_transitions_total', 'Payment transactions leaving INITIAL', ['state', 'trigger']);
const providerErrors = () =>
  counter('amtsbote_payment_provider_errors_total', 'Failed provider status queries', ['kind']);
const anomalies = () =>
  counter('amtsbote_payment_anomalies_total', 'Provider answers that did not match our transaction', [
    'reason',
  ]);

/** Equal-time comparison of the callback token (a wrong token learns nothing from the timing). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The only way a payment's state changes: our own status query at the provider (triggered by the
 * citizen's return, a notification or the reconciliation), or the deadline passing while the provider
 * still says INITIAL. What a callback claims is never read.
 */
@Injectable()
export class ConfirmationService {
  private readonly logger = new Logger('PaymentConfirmation');
  /** Concurrent checks of one transaction share one provider query. */
  private readonly inflight = new Map<string, Promise<TransactionEntity | undefined>>();

  constructor(
    private readonly repo: PaymentsRepository,
    private readonly providers: ProviderRegistry,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * A return or notification: only with the transaction's callback token does it trigger a status query.
   * undefined means "not found" (unknown transaction or wrong token). Provider trouble is logged, not
   * shown: the reconciliation will ask again.
   */
  async callback(
    id: string,
    token: string | undefined,
    trigger: CheckTrigger,
  ): Promise<TransactionEntity | undefined> {
    const tx = await this.repo.find(id);
    if (!tx || !tokenMatches(tx.callbackToken, token)) {
      this.logger.warn({ transactionId: id, trigger }, 'callback without a valid token ignored');
      return undefined;
    }
    try {
      return (await this.check(id, trigger)) ?? tx;
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      return (await this.repo.find(id)) ?? tx;
    }
  }

  check(id: string, trigger: CheckTrigger): Promise<TransactionEntity | undefined> {
    const running = this.inflight.get(id);
    if (running) return running;
    const p = this.doCheck(id, trigger).finally(() => this.inflight.delete(id));
    this.inflight.set(id, p);
    return p;
  }

  private async doCheck(id: string, trigger: CheckTrigger): Promise<TransactionEntity | undefined> {
    const tx = await this.repo.find(id);
    if (!tx) return undefined;
    if (tx.state === 'EXPIRED' && trigger !== 'reconcile') {
      await this.detectPaidAfterExpiry(tx);
      return tx;
    }
    if (tx.state !== 'INITIAL') return tx;
    const now = new Date();
    const expired = tx.expiresAt.getTime() <= now.getTime();
    if (!tx.providerTransactionId || !tx.providerStatusUrl || !tx.providerKind || !tx.providerEnvironment) {
      // Never opened at a provider: nothing to ask; past the deadline it simply expires.
      await this.repo.markChecked(id);
      return expired && trigger === 'reconcile' ? ((await this.expire(tx, now)) ?? tx) : tx;
    }
    let report: PaymentStatusReport;
    try {
      const { provider } = await this.providers.forTransaction(
        tx.tenant,
        tx.providerEnvironment,
        tx.providerKind,
      );
      report = await provider.status({
        providerTransactionId: tx.providerTransactionId,
        statusUrl: tx.providerStatusUrl,
      });
    } catch (err) {
      if (err instanceof ProviderError) {
        providerErrors().inc({ kind: err.kind });
        this.logger.warn(
          { tenant: tx.tenant, transactionId: id, trigger, failure: err.kind, reason: err.message },
          'status query failed; state unchanged',
        );
      }
      throw err;
    } finally {
      await this.repo.markChecked(id);
    }

    if (report.amountCents !== undefined && report.amountCents !== tx.amountCents) {
      anomalies().inc({ reason: 'amount' });
      this.logger.error(
        {
          tenant: tx.tenant,
          transactionId: id,
          amountCents: tx.amountCents,
          providerAmountCents: report.amountCents,
          providerStatus: report.status,
        },
        'provider reports another amount than the fee; state unchanged, needs an operator',
      );
      return tx;
    }

    switch (report.status) {
      case 'INITIAL':
        return expired && trigger === 'reconcile' ? ((await this.expire(tx, now)) ?? tx) : tx;
      case 'PAYED':
        return (await this.settle(tx, report, trigger)) ?? (await this.repo.find(id)) ?? tx;
      case 'FAILED':
      case 'CANCELED':
        return (await this.fail(tx, report, trigger)) ?? (await this.repo.find(id)) ?? tx;
    }
  }

  /**
   * The provider's pay page may still take money after our deadline passed. The state stays EXPIRED (the
   * submission is gone), but an operator must refund: an error log and a metric make it visible.
   */
  private async detectPaidAfterExpiry(tx: TransactionEntity): Promise<void> {
    if (!tx.providerTransactionId || !tx.providerStatusUrl || !tx.providerKind || !tx.providerEnvironment)
      return;
    try {
      const { provider } = await this.providers.forTransaction(
        tx.tenant,
        tx.providerEnvironment,
        tx.providerKind,
      );
      const report = await provider.status({
        providerTransactionId: tx.providerTransactionId,
        statusUrl: tx.providerStatusUrl,
      });
      if (report.status === 'PAYED') {
        anomalies().inc({ reason: 'paid-after-expiry' });
        this.logger.error(
          {
            tenant: tx.tenant,
            submissionId: tx.submissionId,
            transactionId: tx.id,
            amountCents: tx.amountCents,
            providerTransactionId: tx.providerTransactionId,
          },
          'paid at the provider after the payment expired: refund needed',
        );
      }
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
    }
  }

  private async settle(
    tx: TransactionEntity,
    report: PaymentStatusReport,
    trigger: CheckTrigger,
  ): Promise<TransactionEntity | undefined> {
    const method = fitConnectMethod(report.paymentMethod);
    const reference = sanitizeId(report.reference ?? tx.providerReference ?? '') || sanitizeId(tx.requestId);
    const providerId = report.providerTransactionId;
    const paidAt = new Date();
    const done = await this.repo.transaction(async (manager) => {
      const finished = await this.repo.finish(manager, tx.id, 'PAYED', {
        paymentMethod: method.paymentMethod,
        paymentMethodDetail: method.paymentMethodDetail ?? null,
        providerReference: reference,
        statusDetail: report.statusDetail ? sanitizeText(report.statusDetail, 500) : null,
        paidAt,
      });
      if (!finished) return undefined;
      await this.outbox.add(manager, {
        contract: paymentSettledV1,
        subject: tx.submissionId,
        tenant: tx.tenant,
        data: {
          submissionId: tx.submissionId,
          tenant: tx.tenant,
          transactionId: tx.id,
          amountCents: tx.amountCents,
          provider: tx.providerKind ?? 'unknown',
          paidAt: paidAt.toISOString(),
          paymentInformation: {
            transactionReference: reference,
            transactionId: providerId.length <= 36 ? providerId : tx.id,
            ...(tx.providerStatusUrl && URL.canParse(tx.providerStatusUrl)
              ? { transactionUrl: tx.providerStatusUrl }
              : {}),
            paymentMethod: method.paymentMethod,
            ...(method.paymentMethodDetail ? { paymentMethodDetail: method.paymentMethodDetail } : {}),
            status: 'BOOKED',
            grossAmount: centsToEuros(tx.amountCents),
          },
        },
      });
      return finished;
    });
    if (done) {
      transitions().inc({ state: 'PAYED', trigger });
      this.logger.log(
        {
          tenant: tx.tenant,
          submissionId: tx.submissionId,
          transactionId: tx.id,
          amountCents: tx.amountCents,
          reference,
          paymentMethod: method.paymentMethod,
          trigger,
        },
        'payment confirmed by the provider',
      );
    }
    return done;
  }

  private async fail(
    tx: TransactionEntity,
    report: PaymentStatusReport,
    trigger: CheckTrigger,
  ): Promise<TransactionEntity | undefined> {
    const outcome = report.status === 'CANCELED' ? 'CANCELED' : 'FAILED';
    const reason = report.statusDetail ? sanitizeText(report.statusDetail, 500) : undefined;
    const done = await this.repo.transaction(async (manager) => {
      const finished = await this.repo.finish(manager, tx.id, outcome, { statusDetail: reason ?? null });
      if (!finished) return undefined;
      await this.outbox.add(manager, {
        contract: paymentFailedV1,
        subject: tx.submissionId,
        tenant: tx.tenant,
        data: {
          submissionId: tx.submissionId,
          tenant: tx.tenant,
          transactionId: tx.id,
          outcome,
          ...(reason ? { reason } : {}),
        },
      });
      return finished;
    });
    if (done) {
      transitions().inc({ state: outcome, trigger });
      this.logger.log(
        {
          tenant: tx.tenant,
          submissionId: tx.submissionId,
          transactionId: tx.id,
          amountCents: tx.amountCents,
          outcome,
          trigger,
        },
        'provider reports the payment did not happen',
      );
    }
    return done;
  }

  private async expire(tx: TransactionEntity, now: Date): Promise<TransactionEntity | undefined> {
    const done = await this.repo.transaction(async (manager) => {
      const finished = await this.repo.finish(manager, tx.id, 'EXPIRED', {}, now);
      if (!finished) return undefined;
      await this.outbox.add(manager, {
        contract: paymentExpiredV1,
        subject: tx.submissionId,
        tenant: tx.tenant,
        data: { submissionId: tx.submissionId, tenant: tx.tenant, transactionId: tx.id },
      });
      return finished;
    });
    if (done) {
      transitions().inc({ state: 'EXPIRED', trigger: 'reconcile' });
      this.logger.log(
        {
          tenant: tx.tenant,
          submissionId: tx.submissionId,
          transactionId: tx.id,
          amountCents: tx.amountCents,
        },
        'payment deadline passed without a confirmed payment',
      );
    }
    return done;
  }
}
