export * from './attainment';
export * from './catalogue';
export * from './facts';
export * from './kpi-rules';
export * from './statistics';
export * from './windows';
export * from './indicators';
export * from './scores';
