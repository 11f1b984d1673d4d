import { Module } from '@nestjs/common';
import { FimSchemasModule } from '../fim-schemas/fim-schemas.module';
import { LeistungenModule } from '../leistungen/leistungen.module';
import { FormsController } from './forms.controller';
import { FormsService } from './forms.service';

@Module({
  imports: [LeistungenModule, FimSchemasModule],
  controllers: [FormsController],
  providers: [FormsService],
})
export class FormsModule {}
