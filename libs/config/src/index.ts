export * from './portscore-config';
export * from './seeds';
export * from './bootstrap';
export * from './service-command';
