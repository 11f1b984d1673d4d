export * from './body-limit';
export * from './dto-transformer';
export * from './framework-errors';
export * from './json-body';
export * from './unstorable-strings';
export * from './uuid.pipe';
export * from './pattern.pipe';
export * from './security-headers';
