export * from './diagnostics.module';
export * from './diagnostics.service';
