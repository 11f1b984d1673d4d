import { Module } from '@nestjs/common';
import { DestinationsModule } from '../destinations/destinations.module';
import { FilesModule } from '../files/files.module';
import { MessagesModule } from '../messages/messages.module';
import { MaintenanceRepository } from './maintenance.repository';
import { MaintenanceService } from './maintenance.service';

/** Alerts about and expiry of unfetched pull messages, and the purge of finished messages and files. */
@Module({
  imports: [DestinationsModule, MessagesModule, FilesModule],
  providers: [MaintenanceRepository, MaintenanceService],
  exports: [MaintenanceService],
})
export class MaintenanceModule {}
