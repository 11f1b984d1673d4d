import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { AccountInterceptor } from './account.context';
import { AccountsController, EmailConfirmationsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';

@Module({
  imports: [NotificationsModule],
  controllers: [AccountsController, EmailConfirmationsController],
  providers: [AccountsRepository, AccountsService, AccountInterceptor],
  exports: [AccountsRepository, AccountsService, AccountInterceptor],
})
export class AccountsModule {}
