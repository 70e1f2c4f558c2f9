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
