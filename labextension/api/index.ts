export * from './client';
export * from './errors';
export * from './events';
export * from './handshake';
export * from './models';
export * from './request';
export * from './runModels';
export * from './versionModels';
