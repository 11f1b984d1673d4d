import 'reflect-metadata';
import { serviceMain } from '@amtsbote/platform';
import { AppModule } from './app.module';
import { accountsConfigSchema } from './config';
import { SERVICE } from './service';

serviceMain(SERVICE, accountsConfigSchema, (config) => AppModule.forRoot(config));
