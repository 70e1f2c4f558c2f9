// The figure descriptions of a configuration (shared/figures.ts): what the Attributes and Counters
// pages are built from must be checked before anything is built, and numeric attributes must
// land in the buckets a reader expects (cores 1, 2–3, 4–7, …; memory at the nearest power of two).
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import {
  counterGroupSpec,
  parseFigureConfig,
  publishedAttributeSpecs,
  type FigureConfig,
} from '../../../shared/figures.ts';
import {
  bucketLabels,
  bucketOf,
  compareNumericLabels,
  type NumericBuckets,
} from '../../../shared/numeric-buckets.ts';

const CORES: NumericBuckets = { kind: 'ranges', from: [1, 2, 4, 8, 16, 32] };
const MEMORY: NumericBuckets = { kind: 'power-of-two', min: 1, max: 1024 };

describe('numeric buckets', () => {
  test.each([
    [0, '<1'],
    [1, '1'],
    [2, '2–3'],
    [3, '2–3'],
    [4, '4–7'],
    [6, '4–7'],
    [12, '8–15'],
    [16, '16–31'],
    [31, '16–31'],
    [32, '32+'],
    [256, '32+'],
  ])('cores: %d counts as %s', (value, label) => {
    expect(bucketOf(value, CORES)).toBe(label);
  });

  test.each([
    [0, '<1'],
    [0.4, '<1'],
    [1, '1'],
    [3, '4'], // log2(3) = 1.58: nearer 4 than 2
    [7.6, '8'],
    [15, '16'],
    [31, '32'], // a 32 GiB host reporting its usable memory
    [62, '64'],
    [1024, '1024'],
    [1600, '>1024'],
  ])('memory: %d GiB counts as %s', (value, label) => {
    expect(bucketOf(value, MEMORY)).toBe(label);
  });

  test('labels are listed from the smallest values up, and sort back into that order', () => {
    expect(bucketLabels(CORES)).toEqual(['<1', '1', '2–3', '4–7', '8–15', '16–31', '32+']);
    expect(bucketLabels(MEMORY)).toEqual([
      '<1',
      ...[1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024].map(String),
      '>1024',
    ]);
    for (const buckets of [CORES, MEMORY]) {
      const labels = bucketLabels(buckets);
      expect([...labels].reverse().sort(compareNumericLabels)).toEqual(labels);
    }
    expect(['b', '10', 'a', '9'].sort(compareNumericLabels)).toEqual(['9', '10', 'a', 'b']);
  });

  test('ranges of fractional bounds say where they end', () => {
    expect(bucketOf(0.7, { kind: 'ranges', from: [0.5, 1.5] })).toBe('0.5 to <1.5');
  });
});

const base = (): FigureConfig => ({
  attributes: {
    cores: {
      kind: 'number',
      title: 'CPU cores',
      unit: 'cores',
      description: 'Cores.',
      published: true,
      buckets: CORES,
    },
  },
  counters: { os: { title: 'Devices by OS', unit: 'devices', description: 'Devices.' } },
});

describe('parseFigureConfig', () => {
  test('the deployed configuration is valid, and every attribute has a title', () => {
    expect(() => parseFigureConfig(deploymentConfig)).not.toThrow();
    for (const [, spec] of Object.entries(deploymentConfig.attributes))
      expect(spec.title.length).toBeGreaterThan(0);
  });

  test.each<[string, (c: FigureConfig) => void, RegExp]>([
    [
      'a string attribute with buckets',
      (c) => {
        c.attributes.db = {
          kind: 'string',
          title: 'DB',
          description: 'd',
          published: true,
          buckets: CORES,
        };
      },
      /attributes\.db\.buckets: only number attributes have buckets/,
    ],
    [
      'ranges that do not ascend',
      (c) => {
        (c.attributes.cores as { buckets: NumericBuckets }).buckets = {
          kind: 'ranges',
          from: [1, 4, 2],
        };
      },
      /attributes\.cores\.buckets\.from: must be ascending/,
    ],
    [
      'powers of two with max below min',
      (c) => {
        (c.attributes.cores as { buckets: NumericBuckets }).buckets = {
          kind: 'power-of-two',
          min: 8,
          max: 2,
        };
      },
      /attributes\.cores\.buckets\.max: max must be at least min/,
    ],
    [
      'a counter group without a title',
      (c) => {
        c.counters.ports = { title: ' ', description: 'Ports.' };
      },
      /counters\.ports\.title/,
    ],
    [
      'a counter group key with a dot',
      (c) => {
        c.counters['os.linux'] = { title: 'x', description: 'y' };
      },
      /counters\.os\.linux: counter groups are letters, digits, _ and -/,
    ],
    [
      'an unknown field',
      (c) => {
        (c.counters.os as Record<string, unknown>).colour = 'red';
      },
      /counters\.os: Unrecognized key/,
    ],
  ])('rejects %s, naming the field', (_, change, message) => {
    const config = base();
    change(config);
    expect(() => parseFigureConfig(config)).toThrow(message);
  });

  test('an unconfigured counter group is titled by its key; published attributes keep their order', () => {
    const config = base();
    expect(counterGroupSpec(config, 'os')).toEqual(config.counters.os);
    expect(counterGroupSpec(config, 'port_type')).toMatchObject({ title: 'port_type' });
    expect(counterGroupSpec(config, 'toString')).toMatchObject({ title: 'toString' });
    expect(publishedAttributeSpecs(deploymentConfig).map(([key]) => key)).toEqual(
      Object.entries(deploymentConfig.attributes)
        .filter(([, s]) => s.published)
        .map(([key]) => key),
    );
  });
});

describe('keys, kinds and messages of the figure descriptions', () => {
  const withAttribute = (key: string, spec: Record<string, unknown> = {}): FigureConfig => {
    const config = base();
    (config.attributes as Record<string, unknown>)[key] = {
      kind: 'string',
      title: 'T',
      description: 'D.',
      published: true,
      ...spec,
    };
    return config;
  };
  const withCounter = (key: string): FigureConfig => {
    const config = base();
    config.counters[key] = { title: 'T', description: 'D.' };
    return config;
  };

  test.each([
    ['cpu_cores', true],
    ['a', true],
    ['a9_', true],
    [`a${'b'.repeat(63)}`, true],
    [`a${'b'.repeat(64)}`, false],
    ['', false],
    ['Cpu', false],
    ['cpuCores', false],
    ['1cpu', false],
    ['_cpu', false],
    ['cpu-cores', false],
    ['cpu.cores', false],
    [' cpu', false],
    ['cpu ', false],
    ['x cpu', false],
  ])('attribute key %o is allowed: %s', (key, allowed) => {
    const parse = () => parseFigureConfig(withAttribute(key));
    if (allowed) expect(parse).not.toThrow();
    else
      expect(parse).toThrow(
        `homecall.config.ts: invalid figure descriptions:\n  - attributes.${key}: attribute keys are lower-case letters, digits and _`,
      );
  });

  test.each([
    ['os', true],
    ['port_type', true],
    ['Ports-1', true],
    ['-', true],
    ['x'.repeat(48), true],
    ['x'.repeat(49), false],
    ['', false],
    ['os.linux', false],
    ['os linux', false],
    [' os', false],
    ['os ', false],
  ])('counter group key %o is allowed: %s', (key, allowed) => {
    const parse = () => parseFigureConfig(withCounter(key));
    if (allowed) expect(parse).not.toThrow();
    else expect(parse).toThrow(`  - counters.${key}: counter groups are letters, digits, _ and -`);
  });

  test.each([
    [{ kind: 'string' }, true],
    [{ kind: 'number' }, true],
    [{ kind: 'boolean' }, true],
    [{ kind: 'date' }, false],
    [{ shape: 'version' }, true],
    [{ shape: 'label' }, true],
    [{ shape: 'path' }, false],
    [{ kind: 'number', buckets: { kind: 'ranges', from: [1, 1] } }, false], // equal is not ascending
    [{ kind: 'number', buckets: { kind: 'ranges', from: [0.5] } }, true],
    [{ kind: 'number', buckets: { kind: 'ranges', from: [] } }, false],
    [{ kind: 'number', buckets: { kind: 'ranges', from: [0, 1] } }, false], // bounds are positive
    [{ kind: 'number', buckets: { kind: 'power-of-two', min: 4, max: 4 } }, true],
    [{ kind: 'number', buckets: { kind: 'power-of-two', min: 4, max: 3.9 } }, false],
    [{ kind: 'number', buckets: { kind: 'linear', step: 2 } }, false],
    [{ kind: 'boolean', buckets: { kind: 'power-of-two', min: 1, max: 4 } }, false],
    [{ title: 'x'.repeat(60) }, true],
    [{ title: 'x'.repeat(61) }, false],
    [{ title: '  x  ' }, true],
    [{ unit: 'GiB' }, true],
    [{ unit: ' ' }, false],
    [{ description: ' ' }, false],
    [{ published: 'yes' }, false],
  ])('an attribute %o is accepted: %s', (spec, accepted) => {
    const parse = () => parseFigureConfig(withAttribute('x', spec));
    if (accepted) expect(parse).not.toThrow();
    else
      expect(parse).toThrow(
        /^homecall\.config\.ts: invalid figure descriptions:\n {2}- attributes\.x/,
      );
  });

  test('titles are stored trimmed', () => {
    expect(parseFigureConfig(withAttribute('x', { title: '  CPU  ' })).attributes.x?.title).toBe(
      'CPU',
    );
  });

  test('the source is named, each problem on its own line; something that is no configuration at all is named as such', () => {
    const config = withAttribute('Bad');
    config.counters.ports = { title: ' ', description: 'Ports.' };
    expect(() => parseFigureConfig(config, 'examples/netdata.config.ts')).toThrow(
      'examples/netdata.config.ts: invalid figure descriptions:\n  - attributes.Bad: attribute keys are lower-case letters, digits and _\n  - counters.ports.title: ',
    );
    expect(() => parseFigureConfig('nothing' as unknown as FigureConfig)).toThrow(
      /^homecall\.config\.ts: invalid figure descriptions:\n {2}- \(figures\): /,
    );
  });

  test('an unconfigured group reads as counts summed over installs; unpublished attributes are left out', () => {
    expect(counterGroupSpec(base(), 'port_type')).toStrictEqual({
      title: 'port_type',
      description: 'Counts reported in the group “port_type”, summed over installs.',
    });
    const config = withAttribute('hidden', { published: false });
    expect(publishedAttributeSpecs(config).map(([key]) => key)).toEqual(['cores']);
  });
});
