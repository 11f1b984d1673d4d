export * from './framework-errors';
export * from './json-body';
export * from './uuid.pipe';
export * from './pattern.pipe';
