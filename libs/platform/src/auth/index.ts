export * from './auth.decorators';
export * from './auth.guard';
export * from './auth.module';
export * from './auth.options';
export * from './principal';
export * from './token-verifier';
export * from './trust-level';
