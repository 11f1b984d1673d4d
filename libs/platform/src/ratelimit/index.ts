export * from './rate-limit.interceptor';
export * from './token-bucket';
export * from './window-counter';
