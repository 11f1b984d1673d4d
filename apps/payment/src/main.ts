import 'reflect-metadata';
import { serviceMain } from '@amtsbote/platform';
import { AppModule } from './app.module';
import { paymentConfigSchema } from './config';
import { SERVICE } from './service';

serviceMain(SERVICE, paymentConfigSchema, (config) => AppModule.forRoot(config));
