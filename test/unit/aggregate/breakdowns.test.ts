// The values an install is counted under in the 28-day breakdowns: kernel major.minor (6.10 is not
// 6.1), numeric attributes as bucket labels, "unknown" for whatever the install did not report.
import { describe, expect, test } from 'vitest';
import {
  attributeBucket,
  forEachBreakdownValue,
  kernelBucket,
  publishedAttributes,
  type PublishedAttribute,
} from '../../../functions/src/aggregate/breakdowns.ts';
import type { InstallSnapshot } from '../../../functions/src/model/stored.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import type { NumericBuckets } from '../../../shared/numeric-buckets.ts';

describe('kernelBucket', () => {
  test.each<[InstallSnapshot, string | undefined]>([
    [{ kernel: 'Linux', kernelVersion: '6.1.0-18-amd64' }, 'Linux 6.1'],
    [{ kernel: 'Linux', kernelVersion: '6.10.2' }, 'Linux 6.10'],
    [{ kernel: 'Linux', kernelVersion: '5.15' }, 'Linux 5.15'],
    [{ kernel: 'Linux', kernelVersion: '12.34.56' }, 'Linux 12.34'],
    [{ kernel: 'FreeBSD', kernelVersion: '14' }, 'FreeBSD'],
    [{ kernel: 'Linux', kernelVersion: 'v6.1' }, 'Linux'],
    [{ kernel: 'Linux' }, 'Linux'],
    [{ kernelVersion: '6.8.0' }, '6.8'],
    [{ kernelVersion: 'custom' }, undefined],
    [{}, undefined],
  ])('%j → %s', (snapshot, expected) => {
    expect(kernelBucket(snapshot)).toBe(expected);
  });
});

describe('attributeBucket', () => {
  const ranges: NumericBuckets = { kind: 'ranges', from: [1, 2, 4] };
  test.each<[unknown, NumericBuckets | undefined, string]>([
    [undefined, ranges, 'unknown'],
    [null, ranges, 'unknown'],
    [3, ranges, '2–3'],
    [64, ranges, '4+'],
    [3, undefined, '3'],
    [Number.NaN, ranges, 'NaN'],
    [Number.POSITIVE_INFINITY, ranges, 'Infinity'],
    ['amd64', ranges, 'amd64'],
    [true, undefined, 'true'],
  ])('%s with %j → %s', (value, buckets, expected) => {
    expect(attributeBucket(value, buckets)).toBe(expected);
  });
});

describe('publishedAttributes', () => {
  test('only published attributes, named attribute.<key>, with their buckets when bucketed', () => {
    const attributes = publishedAttributes({
      ...deploymentConfig,
      attributes: {
        cores: {
          kind: 'number',
          published: true,
          buckets: { kind: 'ranges', from: [1, 2] },
        },
        flavour: { kind: 'string', published: true },
        secret: { kind: 'string', published: false },
      },
    } as unknown as typeof deploymentConfig);
    expect(attributes).toEqual([
      ['cores', 'attribute.cores', { kind: 'ranges', from: [1, 2] }],
      ['flavour', 'attribute.flavour'],
    ]);
  });
});

describe('forEachBreakdownValue', () => {
  const values = (snapshot: InstallSnapshot, attributes: PublishedAttribute[] = []) => {
    const seen: [string, string][] = [];
    forEachBreakdownValue(snapshot, attributes, (name, value) => seen.push([name, value]));
    return seen;
  };

  test('an install that reported everything is counted under each of its values', () => {
    expect(
      values(
        {
          version: '1.6.0',
          channel: 'stable',
          installMethod: 'kickstart',
          os: 'debian',
          osVersion: '12',
          kernel: 'Linux',
          kernelVersion: '6.10.4',
          arch: 'x86_64',
          virtualization: 'kvm',
          container: 'docker',
          modules: ['apps@1', 'proc@2'],
          attributes: { cores: 3 },
        },
        [['cores', 'attribute.cores', { kind: 'ranges', from: [1, 2, 4] }]],
      ),
    ).toEqual([
      ['version', '1.6.0'],
      ['channel', 'stable'],
      ['installMethod', 'kickstart'],
      ['os', 'debian'],
      ['osVersion', 'debian 12'],
      ['kernel', 'Linux 6.10'],
      ['arch', 'x86_64'],
      ['virtualization', 'kvm'],
      ['container', 'docker'],
      ['module', 'apps@1'],
      ['module', 'proc@2'],
      ['attribute.cores', '2–3'],
    ]);
  });

  test('an install that reported nothing is counted under unknown everywhere', () => {
    expect(values({}, [['cores', 'attribute.cores']])).toEqual(
      [
        'version',
        'channel',
        'installMethod',
        'os',
        'osVersion',
        'kernel',
        'arch',
        'virtualization',
        'container',
        'module',
        'attribute.cores',
      ].map((name) => [name, 'unknown']),
    );
  });

  test('an OS version without its OS, or an empty module list, is unknown', () => {
    const seen = new Map(values({ osVersion: '12', modules: [] }));
    expect(seen.get('osVersion')).toBe('unknown');
    expect(seen.get('module')).toBe('unknown');
  });
});
