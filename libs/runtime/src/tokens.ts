/** Injection tokens of the values every service shares. */
export const CONFIG = Symbol('PortscoreConfig');
export const PORTS = Symbol('PortRegistry');
