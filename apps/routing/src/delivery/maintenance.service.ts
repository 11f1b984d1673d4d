import { Injectable, Logger } from '@nestjs/common';
import { RoutingSettings } from '../common/settings';
import { DestinationsRepository } from '../destinations/destinations.repository';
import { FilesService } from '../files/files.service';
import { MessagesRepository } from '../messages/messages.repository';
import { RoutingEvents } from '../messages/routing-events';

/**
 * Periodic duties: alert about pull messages not fetched for N days, fail them back to the citizen after M
 * days, and purge form data and files after the retention time. Each step is one UPDATE … RETURNING with its
 * events in the same transaction, so replicas running it at the same time never alert twice.
 */
@Injectable()
export class MaintenanceService {
  private readonly logger = new Logger('Maintenance');

  constructor(
    private readonly messages: MessagesRepository,
    private readonly destinations: DestinationsRepository,
    private readonly files: FilesService,
    private readonly events: RoutingEvents,
    private readonly settings: RoutingSettings,
  ) {}

  async run(now = Date.now()): Promise<{ alerted: number; expired: number; purged: number }> {
    const alertDays = this.settings.config.ROUTING_PULL_ALERT_DAYS;
    const expireDays = this.settings.config.ROUTING_PULL_EXPIRE_DAYS;
    const alerted = await this.messages.transaction(async (manager) => {
      const waiting = await this.messages.takeUnfetchedForAlert(
        manager,
        new Date(now - this.settings.pullAlertMs),
      );
      for (const m of waiting) {
        const d = await this.destinations.find(m.destinationId, manager);
        if (d === undefined) continue;
        await this.events.alert(
          manager,
          m,
          d,
          'NOT_FETCHED',
          `message ${m.id} (Vorgang ${m.vorgangsnummer}) has waited in the mailbox of ${d.id} for more than ${alertDays} days; it fails back to the citizen after ${expireDays} days`,
        );
      }
      return waiting.length;
    });
    const expired = await this.messages.transaction(async (manager) => {
      const gone = await this.messages.expireUnfetched(manager, new Date(now - this.settings.pullExpireMs));
      for (const m of gone) {
        if (m.kind !== 'submission') continue;
        await this.events.failed(manager, m, 'NOT_FETCHED', {
          de: `Die zuständige Stelle hat Ihren Antrag nicht innerhalb von ${expireDays} Tagen abgerufen. Bitte wenden Sie sich an die Verwaltung oder stellen Sie den Antrag erneut.`,
          en: `The responsible authority did not fetch your application within ${expireDays} days. Please contact the administration or submit it again.`,
        });
      }
      return gone.length;
    });
    const before = new Date(now - this.settings.retentionMs);
    const purged = (await this.messages.purge(before)) + (await this.files.purge(before));
    if (alerted + expired + purged > 0) this.logger.log({ alerted, expired, purged }, 'maintenance');
    return { alerted, expired, purged };
  }
}
