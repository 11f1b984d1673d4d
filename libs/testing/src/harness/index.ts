export * from './service-harness';
export * from './dev-env';
