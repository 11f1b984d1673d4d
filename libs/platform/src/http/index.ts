export * from './framework-errors';
export * from './json-body';
