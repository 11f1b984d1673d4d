export * from './database';
export { queryCounts } from './query-counts';
export * from './coalescer';
