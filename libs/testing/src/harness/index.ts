export * from './service-harness';
export * from './dev-env';
export * from './events';
export * from './pdf';
