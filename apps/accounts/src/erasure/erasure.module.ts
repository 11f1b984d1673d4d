import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { PostkorbModule } from '../postkorb/postkorb.module';
import { ProjectionsModule } from '../projections/projections.module';
import { RepresentationModule } from '../representation/representation.module';
import { ErasureController } from './erasure.controller';
import { ErasureService } from './erasure.service';

@Module({
  imports: [AccountsModule, RepresentationModule, PostkorbModule, ProjectionsModule],
  controllers: [ErasureController],
  providers: [ErasureService],
})
export class ErasureModule {}
