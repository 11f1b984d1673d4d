export * from './problem';
export * from './problem.filter';
export * from './transient';
export * from './validation';
export * from './loggable';
