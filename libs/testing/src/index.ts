export * from './oidc';
export * from './stack';
export * from './harness';
export * from './simulators';
