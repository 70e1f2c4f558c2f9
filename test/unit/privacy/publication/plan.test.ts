// The publication plan of a deployment: every noisy query of a day with how much one install can
// change it (Δ) and its share of the day's ρ, and from them the noise each published figure
// carries (σ, which the day states) and the noisy count with which a bucket appears. The table is
// the policy: a change of any bound or share changes the noise users read off a published day.
import { describe, expect, test } from 'vitest';
import { deploymentConfig, type DeploymentConfig } from '../../../../shared/config.ts';
import { bucketThreshold, rhoFromEpsilon } from '../../../../shared/privacy.ts';
import {
  breakdownNames,
  planPublication,
  queryNoise,
} from '../../../../functions/src/privacy/publication/plan.ts';
import { sigmaSquared } from '../../../../functions/src/privacy/publication/sampler.ts';

const attribute = deploymentConfig.attributes.database;
if (!attribute) throw new Error('the config has no database attribute');

/** Bounds chosen apart so that a swapped one shows; attributes in no particular order. */
const config: DeploymentConfig = {
  ...deploymentConfig,
  kAnonymity: 5,
  privacy: {
    ...deploymentConfig.privacy,
    epsilon: 6,
    delta: 1e-7,
    eventClip: 3,
    valuesPerInstall: 5,
    counterClip: 7,
    counterValuesPerInstall: 9,
    // More groups than values: an install still has at most as many groups as values (9).
    counterGroupsPerInstall: 12,
  },
  attributes: {
    zeta: { ...attribute, published: true },
    hidden: { ...attribute, published: false },
    alpha: { ...attribute, published: true },
  },
  screening: {
    ...deploymentConfig.screening,
    establishedDays: 3,
    unestablishedInstallFailuresPerDay: 40,
  },
};
const plan = planPublication(config);

const SINGLE = [
  'version',
  'channel',
  'installMethod',
  'os',
  'osVersion',
  'kernel',
  'arch',
  'virtualization',
  'container',
  'attribute.alpha',
  'attribute.zeta',
];
/** Each breakdown one share of 72, modules 3, counter groups 4, values 4, their sums 1. */
const B = 72 / (SINGLE.length + 3 + 4 + 4 + 1);

/** id → [Δ, weight, buckets one install alone can create (thresholded queries only)]. */
const TABLE: [string, number, number, number?][] = [
  ['activeInstalls', Math.sqrt(3), 7],
  ['newInstalls', 1, 3],
  ['events', 3, 2],
  ...SINGLE.map((name): [string, number, number, number] => [`breakdowns.${name}`, 1, B, 1]),
  ['breakdowns.module', Math.sqrt(5), 3 * B, 5],
  ['upgrades', 1, 2, 1],
  ['upgrades.other', 1, 1, 0],
  ['reliability.versions', 1, 3, 1],
  ['reliability.versions.crashedInstalls', 1, 3],
  ['reliability.versions.events', 3, 1],
  ['reliability.versions.other.crashedInstalls', 1, 1],
  ['reliability.versions.other.events', 3, 0.5],
  ['reliability.topFailures', Math.sqrt(5), 2, 5],
  ['reliability.topFailures.events', 3, 0.5],
  ['reliability.installFailures', Math.sqrt(5), 1.5, 5],
  ['counters.groups', 3, 4 * B, 9],
  ['counters.values', 3, 4 * B, 9],
  ['counters.values.sum', 7 * 3, B],
  ['established.newlyEstablished', 1, 0.5],
  ['established.pending', Math.SQRT2, 0.5],
  ['established.proven', 1, 0.25],
  ['established.newInstallProfiles', 1, 0.5, 1],
  ['established.newlyEstablishedProfiles', 1, 0.5, 1],
  ['heldOut.installs', 1, 0.5],
  ['heldOut.reports', 3, 0.25],
  ['unestablishedInstallFailures', 1, 1, 1],
  ['screening.knownVersions', 1, 1, 1],
];
const TOTAL_WEIGHT = TABLE.reduce((sum, [, , w]) => sum + w, 0);
const NEW_BUCKETS = TABLE.reduce((sum, [, , , n]) => sum + (n ?? 0), 0);

describe('the query table', () => {
  test('every query, in order, with its Δ, share and new buckets', () => {
    expect(plan.specs.map((s) => s.id)).toEqual(TABLE.map(([id]) => id));
  });

  test.each(TABLE)('%s: Δ %d, weight %d, new buckets %s', (id, sensitivity, weight, buckets) => {
    const spec = plan.specs.find((s) => s.id === id);
    expect(spec?.sensitivity).toBeCloseTo(sensitivity, 12);
    expect(spec?.weight).toBeCloseTo(weight, 12);
    expect(spec?.newBuckets).toBe(buckets);
  });

  test('counter groups: with fewer groups than values allowed, the groups’ own bound', () => {
    const fewer = planPublication({
      ...config,
      privacy: { ...config.privacy, counterGroupsPerInstall: 4 },
    });
    const groups = fewer.specs.find((s) => s.id === 'counters.groups');
    expect(groups).toMatchObject({ sensitivity: 2, newBuckets: 4 });
  });

  test('with released versions configured, no version is learned: no query for it', () => {
    const released = planPublication({
      ...config,
      screening: { ...config.screening, releasedVersions: ['1.*'] },
    });
    expect(released.specs.map((s) => s.id)).toEqual(
      TABLE.map(([id]) => id).filter((id) => id !== 'screening.knownVersions'),
    );
    expect(released.queries.has('screening.knownVersions')).toBe(false);
  });
});

describe('the breakdowns published', () => {
  test('the fixed ones but modules, then the published attributes by name', () => {
    expect(breakdownNames(config)).toEqual(SINGLE);
    expect(plan.breakdowns).toEqual(SINGLE);
  });
});

describe('the noise of each query', () => {
  test('the day’s ρ is that of (ε, δ/2); the thresholds spend the other δ/2', () => {
    expect(plan.rho).toBeCloseTo(rhoFromEpsilon(6, 5e-8), 12);
    expect(plan.deltaNoise).toBe(5e-8);
    expect(plan.deltaThresholds).toBe(5e-8);
    expect(plan.deltaPerBucket).toBeCloseTo(5e-8 / NEW_BUCKETS, 20);
    expect(plan.privacy).toBe(config.privacy);
  });

  test.each(TABLE)('%s spends its share of ρ', (id, sensitivity, weight) => {
    const noise = queryNoise(plan, id);
    const share = (weight / TOTAL_WEIGHT) * plan.rho;
    expect(noise.rho).toBeCloseTo(share, 12);
    expect(noise.sigma).toBeCloseTo(sensitivity / Math.sqrt(2 * share), 9);
    expect(noise.sigma2).toEqual(sigmaSquared(noise.sigma));
    expect(noise.id).toBe(id);
  });

  test.each(TABLE)('%s: a threshold only where buckets appear by it', (id, _d, _w, buckets) => {
    const noise = queryNoise(plan, id);
    if (buckets === undefined) expect(noise.threshold).toBeUndefined();
    else
      expect(noise.threshold).toBe(
        Math.max(bucketThreshold(noise.sigma, plan.deltaPerBucket), config.kAnonymity),
      );
  });

  test('the thresholds are above k here, and never below it', () => {
    expect(queryNoise(plan, 'breakdowns.os').threshold).toBeGreaterThan(config.kAnonymity);
    const strict = planPublication({ ...config, kAnonymity: 900 });
    for (const [id, , , buckets] of TABLE)
      if (buckets !== undefined) expect(queryNoise(strict, id).threshold).toBe(900);
  });

  test('a query the plan does not have is refused by name', () => {
    expect(() => queryNoise(plan, 'breakdowns.secret')).toThrow(
      'no query breakdowns.secret in the publication plan',
    );
  });
});

describe('what the screening figures state', () => {
  test('the establishment rule and the failed installs’ cap, as configured', () => {
    expect(plan.screening).toEqual({ establishedDays: 3, unestablishedInstallFailuresPerDay: 40 });
  });

  test('an invalid privacy configuration is refused', () => {
    expect(() =>
      planPublication({ ...config, privacy: { ...config.privacy, epsilon: 0 } }),
    ).toThrow(/invalid privacy configuration/);
  });
});
