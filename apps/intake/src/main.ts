import 'reflect-metadata';
import { serviceMain } from '@amtsbote/platform';
import { AppModule } from './app.module';
import { intakeConfigSchema } from './config';
import { SERVICE } from './service';

serviceMain(SERVICE, intakeConfigSchema, (config) => AppModule.forRoot(config));
