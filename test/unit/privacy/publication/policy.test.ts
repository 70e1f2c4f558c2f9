// The publication policy in one table: which buckets appear (a noisy threshold, never a true
// count ≥ k), where the rest goes, and when noise is drawn afresh. Every row is checked on the
// published numbers over many secrets (fixed: secret-0 … secret-n), not on one lucky draw.
// Many draws per test: each describe allows a minute on a busy machine.
import { describe, expect, test } from 'vitest';
import { OTHER, UNKNOWN } from '../../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../../shared/config.ts';
import { planPublication } from '../../../../functions/src/privacy/publication/plan.ts';
import {
  publishDay,
  type PublishedDay,
} from '../../../../functions/src/privacy/publication/publish.ts';
import {
  UPGRADE_KEY_SEPARATOR,
  type ExactDay,
} from '../../../../functions/src/privacy/publication/types.ts';
import { bucketOf, countOf, exactDay, names } from '../../../support/publication.ts';

const DAY = '2026-03-10';
const plan = planPublication(deploymentConfig);
const sigmaOf = (id: string) => plan.queries.get(id)?.sigma ?? Number.NaN;
const thresholdOf = (id: string) => plan.queries.get(id)?.threshold ?? Number.NaN;
const BREAKDOWN_T = thresholdOf('breakdowns.os');

/** A day of `total` installs, `values` of them split over os buckets (name → installs). */
function osDay(values: Record<string, number>, extra: Partial<ExactDay> = {}): ExactDay {
  const all = names('fleet', 1000);
  let at = 0;
  const os = Object.entries(values).map(([value, n]) => {
    const members = all.slice(at, at + n);
    at += n;
    return bucketOf(value, members);
  });
  return exactDay(DAY, {
    activeInstalls: {
      d1: countOf(all.slice(0, at)),
      d7: countOf(all.slice(0, at)),
      d28: countOf(all.slice(0, at)),
    },
    breakdowns: { os },
    ...extra,
  });
}

function publishMany(exact: ExactDay, trials: number): PublishedDay[] {
  return Array.from({ length: trials }, (_, i) =>
    publishDay(exact, deploymentConfig, `secret-${i}`),
  );
}

const shownOs = (p: PublishedDay, value: string) => p.breakdowns.os?.find((b) => b.value === value);
const share = (days: PublishedDay[], pick: (d: PublishedDay) => boolean) =>
  days.filter(pick).length / days.length;

describe('which buckets appear', { timeout: 60_000 }, () => {
  test.each<[string, ExactDay, number, (days: PublishedDay[]) => void]>([
    [
      'a value of 1,000 installs always appears, within 5σ of its count',
      osDay({ debian: 1000 }),
      50,
      (days) => {
        for (const d of days) {
          const debian = shownOs(d, 'debian');
          expect(debian).toBeDefined();
          expect(Math.abs((debian?.installs ?? 0) - 1000)).toBeLessThan(
            5 * sigmaOf('activeInstalls') + 5 * sigmaOf('breakdowns.os'),
          );
        }
      },
    ],
    [
      'a value of 1 install never appears — k-anonymity would hide it too, but a threshold on the true count would not hide one of 5',
      osDay({ debian: 300, freebsd: 1 }),
      1000,
      (days) => expect(share(days, (d) => shownOs(d, 'freebsd') !== undefined)).toBe(0),
    ],
    [
      'a value of 5 installs (k = 5 would publish it exactly) almost never appears',
      osDay({ debian: 300, freebsd: 5 }),
      400,
      (days) => expect(share(days, (d) => shownOs(d, 'freebsd') !== undefined)).toBeLessThan(0.01),
    ],
    [
      'a value right at the threshold appears about half the time: presence itself is noisy',
      osDay({ debian: 300, alpine: BREAKDOWN_T }),
      400,
      (days) => {
        const seen = share(days, (d) => shownOs(d, 'alpine') !== undefined);
        expect(seen).toBeGreaterThan(0.35);
        expect(seen).toBeLessThan(0.65);
      },
    ],
    [
      '"unknown" gets no exemption: 2 installs without the value never appear as "unknown"',
      osDay({ debian: 300, [UNKNOWN]: 2 }),
      400,
      (days) => expect(share(days, (d) => shownOs(d, UNKNOWN) !== undefined)).toBe(0),
    ],
    [
      'what does not appear is the remainder "other" of d28: the buckets add up to d28 exactly',
      osDay({ debian: 300, ubuntu: 200, freebsd: 3, openbsd: 2 }),
      200,
      (days) => {
        for (const d of days) {
          const sum = (d.breakdowns.os ?? []).reduce((s, b) => s + b.installs, 0);
          expect(sum).toBe(d.activeInstalls.d28);
          expect(shownOs(d, 'freebsd') ?? shownOs(d, 'openbsd')).toBeUndefined();
        }
        const others = days.map((d) => shownOs(d, OTHER)?.installs ?? 0);
        const mean = others.reduce((a, b) => a + b, 0) / others.length;
        expect(mean).toBeGreaterThan(1);
        expect(mean).toBeLessThan(15);
      },
    ],
    [
      'a value literally named "other" joins the remainder',
      osDay({ debian: 300, [OTHER]: 200 }),
      20,
      (days) => {
        for (const d of days) {
          expect((d.breakdowns.os ?? []).filter((b) => b.value === OTHER)).toHaveLength(1);
          expect(shownOs(d, OTHER)?.installs).toBeGreaterThan(150);
        }
      },
    ],
    [
      'modules: the same rule with their own threshold, and no remainder (an install runs several)',
      exactDay(DAY, {
        breakdowns: {
          module: [bucketOf('snmp@1', names('m', 400)), bucketOf('rare@1', names('r', 3))],
        },
      }),
      300,
      (days) => {
        for (const d of days) {
          expect(d.breakdowns.module?.map((b) => b.value)).toEqual(['snmp@1']);
        }
      },
    ],
    [
      'upgrades: rare pairs are hidden, their sum is a noisy "other → other" shown only above the threshold',
      exactDay(DAY, {
        upgrades: [
          bucketOf(`1.5${UPGRADE_KEY_SEPARATOR}1.6`, names('u', 200)),
          ...Array.from({ length: 40 }, (_, i) =>
            bucketOf(`0.${i}${UPGRADE_KEY_SEPARATOR}1.6`, names(`old${i}`, 2)),
          ),
        ],
      }),
      100,
      (days) => {
        for (const d of days) {
          expect(d.upgrades.filter((u) => u.from !== OTHER).map((u) => u.from)).toEqual(['1.5']);
          const other = d.upgrades.find((u) => u.from === OTHER);
          if (other) expect(other.installs).toBeGreaterThan(20);
        }
        expect(share(days, (d) => d.upgrades.some((u) => u.from === OTHER))).toBeGreaterThan(0.9);
      },
    ],
    [
      'reliability: a version run by one install never gets a row; the versions add up to d1 with "other"',
      exactDay(DAY, {
        activeInstalls: {
          d1: countOf(names('v', 301)),
          d7: countOf(names('v', 301)),
          d28: countOf(names('v', 301)),
        },
        reliability: {
          versions: [
            bucketOf('1.6.0', names('v', 300), {
              crashedInstalls: 10,
              crashEvents: 12,
              fatalEvents: 1,
            }),
            bucketOf('0.9-rare', ['v-300'], { crashedInstalls: 1, crashEvents: 2, fatalEvents: 1 }),
          ],
          failures: [],
          installFailures: [],
        },
      }),
      300,
      (days) => {
        for (const d of days) {
          const rows = d.reliability.versions;
          expect(rows.find((r) => r.version === '0.9-rare')).toBeUndefined();
          expect(rows.reduce((s, r) => s + r.activeInstalls, 0)).toBe(d.activeInstalls.d1);
          for (const r of rows) {
            expect(r.crashedInstalls).toBeLessThanOrEqual(r.activeInstalls);
            expect(r.crashFreeRate).toBeCloseTo(1 - r.crashedInstalls / r.activeInstalls, 4);
          }
        }
      },
    ],
    [
      'reliability: a version literally named "other" joins the "other" row, counted once',
      exactDay(DAY, {
        activeInstalls: {
          d1: countOf(names('w', 210)),
          d7: countOf(names('w', 210)),
          d28: countOf(names('w', 210)),
        },
        reliability: {
          versions: [
            bucketOf('1.6.0', names('w', 210).slice(0, 200), {
              crashedInstalls: 0,
              crashEvents: 0,
              fatalEvents: 0,
            }),
            // 10 installs: under the threshold, so hidden, and its crashes are "other"'s alone.
            bucketOf(OTHER, names('w', 210).slice(200), {
              crashedInstalls: 10,
              crashEvents: 60,
              fatalEvents: 0,
            }),
          ],
          failures: [],
          installFailures: [],
        },
      }),
      300,
      (days) => {
        const crashes = days.map(
          (d) => d.reliability.versions.find((r) => r.version === OTHER)?.crashEvents ?? 0,
        );
        // σ is about 50: the mean of 300 draws of max(0, 60 + noise) is near 64, of 120 + noise near 120.
        const mean = crashes.reduce((a, b) => a + b, 0) / crashes.length;
        expect(Math.abs(mean - 60)).toBeLessThan(20);
      },
    ],
    [
      'counters: a group reported by 2 installs never appears',
      exactDay(DAY, {
        counters: {
          groups: [bucketOf('os', names('c', 2))],
          values: { os: [bucketOf('linux', names('c', 2), { sum: 60 })] },
        },
      }),
      300,
      (days) => expect(share(days, (d) => d.counters.length > 0)).toBe(0),
    ],
  ])('%s', (_name, exact, trials, check) => {
    check(publishMany(exact, trials));
  });
});

describe('when noise is drawn afresh', { timeout: 60_000 }, () => {
  const base = osDay(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`os${i}`, 60])));
  /** Share of os buckets whose published count is the same in both days. */
  const same = (a: PublishedDay, b: PublishedDay) => {
    const left = new Map((a.breakdowns.os ?? []).map((x) => [x.value, x.installs]));
    const right = (b.breakdowns.os ?? []).filter((x) => x.value !== OTHER);
    return right.filter((x) => left.get(x.value) === x.installs).length / right.length;
  };
  /** The same comparison over 40 secrets, for two versions of the input. */
  const sameShare = (before: ExactDay, after: ExactDay, afterDay = DAY) => {
    let total = 0;
    for (let i = 0; i < 40; i += 1) {
      const a = publishDay(before, deploymentConfig, `secret-${i}`);
      const b = publishDay({ ...after, day: afterDay }, deploymentConfig, `secret-${i}`);
      total += same(a, b);
    }
    return total / 40;
  };
  // Two independent draws of noise with σ ≈ 5.5 agree on about 1/(2σ√π) ≈ 5 % of buckets.
  const FRESH = 0.15;
  const withLateInstall: ExactDay = {
    ...base,
    breakdowns: {
      os: (base.breakdowns.os ?? []).map((b, i) =>
        i === 3 ? bucketOf(b.key, [...names('fleet', 1000).slice(180, 240), 'late']) : b,
      ),
    },
  };
  const swapped: ExactDay = {
    ...base,
    breakdowns: {
      os: (base.breakdowns.os ?? []).map((b, i) =>
        i === 3 ? bucketOf(b.key, [...names('fleet', 1000).slice(180, 239), 'newcomer']) : b,
      ),
    },
  };

  test.each<[string, () => number, 'same' | 'fresh']>([
    ['a rerun over the same data publishes identical numbers', () => sameShare(base, base), 'same'],
    [
      'the same data merged in another order publishes identical numbers',
      () =>
        sameShare(base, { ...base, breakdowns: { os: [...(base.breakdowns.os ?? [])].reverse() } }),
      'same',
    ],
    [
      'one late install: every number of the day is drawn afresh, not only its bucket’s',
      () => sameShare(base, withLateInstall),
      'fresh',
    ],
    [
      'one install swapped for another (same counts, other digest): fresh noise',
      () => sameShare(base, swapped),
      'fresh',
    ],
    [
      'the same data on the next day: fresh noise',
      () => sameShare(base, base, '2026-03-11'),
      'fresh',
    ],
  ])('%s', (_name, measure, expected) => {
    const share = measure();
    if (expected === 'same') expect(share).toBe(1);
    else expect(share).toBeLessThan(FRESH);
  });

  test('another secret draws other noise, and the noise cannot be drawn without one', () => {
    const a = publishDay(base, deploymentConfig, 'secret-a');
    const b = publishDay(base, deploymentConfig, 'secret-b');
    expect(same(a, b)).toBeLessThan(0.5);
    expect(() => publishDay(base, deploymentConfig, '')).toThrow(/secret/);
  });
});
