export * from './service-harness';
export * from './dev-env';
export * from './events';
