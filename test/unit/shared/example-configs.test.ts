// The two example configurations (examples/*.config.ts) pass the same figure checks as the
// deployed one, and fit the clients they are for: every count group a real LibreNMS body sends
// is titled by the LibreNMS example, and a Netdata agent's cores and memory land in the buckets
// its example sets.
import { describe, expect, test } from 'vitest';
import { parseFigureConfig } from '../../../shared/figures.ts';
import { bucketOf } from '../../../shared/numeric-buckets.ts';
import librenms from '../../../examples/librenms.config.ts';
import netdata from '../../../examples/netdata.config.ts';
import { mapLibreNmsLog } from '../../../functions/src/compat/librenms.ts';
import { mapNetdataBody } from '../../../functions/src/compat/netdata.ts';
import { compatText as fixture } from '../../support/fixtures.ts';

describe('example configurations', () => {
  test.each([
    ['librenms', librenms],
    ['netdata', netdata],
  ])('%s passes the figure checks', (_, config) => {
    expect(() => parseFigureConfig(config, `examples/${_}.config.ts`)).not.toThrow();
  });

  test('LibreNMS: every counter group and version of the real daily body has a title', () => {
    const body = new URLSearchParams({ data: fixture('librenms-daily.json') });
    const result = mapLibreNmsLog(body, librenms.attributes);
    if (!result.ok) throw new Error(result.message);
    const [event] = result.events;
    const groups = new Set(Object.keys(event?.counters ?? {}).map((key) => key.split('.')[0]));
    expect(groups.size).toBeGreaterThan(20);
    const untitled = [...groups].filter((g) => !Object.hasOwn(librenms.counters, g ?? ''));
    expect(untitled).toEqual([]);
    expect(Object.keys(event?.attributes ?? {}).sort()).toEqual(
      Object.keys(librenms.attributes).sort(),
    );
  });

  test('Netdata: the agent’s cores and memory count in the example’s buckets', () => {
    const body: unknown = JSON.parse(fixture('netdata-agent-start.json'));
    const result = mapNetdataBody(body, netdata.attributes);
    if (!result.ok) throw new Error(result.message);
    const attributes = result.events[0]?.attributes ?? {};
    const { cpu_cores, memory_gib } = netdata.attributes;
    expect(typeof attributes.cpu_cores).toBe('number');
    expect(typeof attributes.memory_gib).toBe('number');
    if (!cpu_cores.buckets || !memory_gib.buckets) throw new Error('buckets expected');
    expect(bucketOf(attributes.cpu_cores as number, cpu_cores.buckets)).toMatch(
      /^(\d+|\d+–\d+|32\+)$/,
    );
    expect(bucketOf(31.3, memory_gib.buckets)).toBe('32');
    expect(bucketOf(7.7, memory_gib.buckets)).toBe('8');
  });
});
