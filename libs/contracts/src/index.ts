export * from './contract';
export * from './events';
export * from './registry';
export * from './topics';
