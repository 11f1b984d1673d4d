import { createMessagingTables, dropMessagingTables } from '@amtsbote/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1732200000000 implements MigrationInterface {
  name = 'Init1732200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner, 'intake');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner, 'intake');
  }
}
