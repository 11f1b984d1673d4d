export * from './payment';
export * from './fachverfahren';
export * from './zustelldienst';
