export * from './database';
export { queryCounts } from './query-counts';
