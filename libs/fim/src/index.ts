export * from './errors';
export * from './model';
export { parseSchema, tryParseSchema, type ParseOptions, type ParseResult } from './parser/parse-schema';
