import { withDatabase } from './local-database';

describe('withDatabase', () => {
  it('names another database on the same server, with the same user, password and parameters', () => {
    expect(
      withDatabase('postgres://scorer:s%40cret@db.example.org:6432/portscore?sslmode=require', 'portscore_bench_b1'),
    ).toBe('postgres://scorer:s%40cret@db.example.org:6432/portscore_bench_b1?sslmode=require');
  });

  it('keeps a Unix socket directory given as the host parameter', () => {
    expect(withDatabase('postgres://postgres@localhost/portscore?host=/var/run/postgresql', 'postgres')).toBe(
      'postgres://postgres@localhost/postgres?host=/var/run/postgresql',
    );
  });

  it('adds the database to a server address without one', () => {
    expect(withDatabase('postgres://postgres@127.0.0.1:5432', 'portscore')).toBe(
      'postgres://postgres@127.0.0.1:5432/portscore',
    );
  });
});
