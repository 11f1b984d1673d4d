export * from './payment';
export * from './fachverfahren';
