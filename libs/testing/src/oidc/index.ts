export * from './dev-principals';
export * from './dev-oidc-provider';
export * from './tokens';
