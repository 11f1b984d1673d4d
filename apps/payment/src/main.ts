import 'reflect-metadata';
import { loadConfigOrExit, runService } from '@amtsbote/platform';
import { AppModule } from './app.module';
import { paymentConfigSchema } from './config';
import { SERVICE } from './service';

async function main(): Promise<void> {
  const config = loadConfigOrExit(SERVICE.name, paymentConfigSchema);
  await runService(AppModule.forRoot(config), SERVICE, config);
}

void main();
