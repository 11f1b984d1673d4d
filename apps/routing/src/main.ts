import 'reflect-metadata';
import { serviceMain } from '@amtsbote/platform';
import { AppModule } from './app.module';
import { routingConfigSchema } from './config';
import { SERVICE } from './service';

serviceMain(SERVICE, routingConfigSchema, (config) => AppModule.forRoot(config));
