export type PortKind = 'sea' | 'air' | 'rail' | 'road';

export interface Port {
  id: string;
  name: string;
  nameZh: string;
  kind: PortKind;
  country: string;
  timeZone: string;
}

/** Read-only lookup of registered ports (seeds/ports.json). */
export class PortRegistry {
  private readonly byId: ReadonlyMap<string, Port>;

  constructor(readonly ports: readonly Port[]) {
    this.byId = new Map(ports.map((port) => [port.id, port]));
  }

  get(id: string): Port | undefined {
    return this.byId.get(id);
  }

  require(id: string): Port {
    const port = this.byId.get(id);
    if (!port) throw new Error(`unknown port ${id}`);
    return port;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }
}
