import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The scoring rules stay a pure library: readable, testable and reusable without booting anything. */
describe('libs/catalogue', () => {
  it('imports no framework, database or broker code', () => {
    const sources = readdirSync(__dirname).filter((file) => file.endsWith('.ts'));
    const offending = sources.flatMap((file) =>
      [...readFileSync(join(__dirname, file), 'utf8').matchAll(/from '([^']+)'/g)]
        .map((match) => match[1]!)
        .filter((module) =>
          /^(@nestjs\/|typeorm|kafkajs|pg$|@portscore\/(persistence|messaging|runtime|ingest|scoring))/.test(module),
        )
        .map((module) => `${file}: ${module}`),
    );
    expect(sources.length).toBeGreaterThan(5);
    expect(offending).toEqual([]);
  });
});
