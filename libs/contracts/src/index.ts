export * from './contract';
export * from './events';
export * from './inline-document';
export * from './registry';
export * from './topics';
