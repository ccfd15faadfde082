export * from './client';
export * from './errors';
export * from './regions';
export * from './schemas';
