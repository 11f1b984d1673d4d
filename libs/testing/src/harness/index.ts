export * from './service-harness';
export * from './dev-env';
export * from './events';
export * from './pdf';
export * from './service-process';
export * from './machine-cpu';
export * from './process-cpu';
