import { dataSourceOptions } from './data-source';

describe('dataSourceOptions', () => {
  type Options = { url: string; extra: { options: string } };
  const extra = (url: string) => (dataSourceOptions(url) as Options).extra;

  it('runs sessions without parallel workers, and leaves a URL without session options as it is', () => {
    const url = 'postgres:///portscore?host=/var/run/postgresql&application_name=x%20y';
    expect(extra(url).options).toBe('-c max_parallel_workers_per_gather=0');
    expect((dataSourceOptions(url) as Options).url).toBe(url);
  });

  it("keeps the URL's own session options, after Portscore's so that they win", () => {
    const options = dataSourceOptions(
      'postgres://app:s%40cret@db.example:6543/portscore?options=-c%20work_mem%3D8MB&sslmode=require',
    ) as Options;
    expect(options.url).toBe('postgres://app:s%40cret@db.example:6543/portscore?sslmode=require');
    expect(options.extra.options).toBe('-c max_parallel_workers_per_gather=0 -c work_mem=8MB');
  });
});
