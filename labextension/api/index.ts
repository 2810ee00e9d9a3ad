export * from './client';
export * from './errors';
export * from './handshake';
export * from './models';
export * from './request';
