export * from './portscore-config';
export * from './seeds';
