export * from './mandates.module';
export * from './mandates.repository';
export * from './mandates.service';
