export * from './accounts';
export * from './catalog';
export * from './diagnostics';
export * from './payment';
export * from './postkorb';
export * from './routing';
export * from './shared';
export * from './submission';
