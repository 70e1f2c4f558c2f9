// Attack (c), differencing two versions of one day: installs' late events arrive after the day
// was first computed, or installs are erased after it, and both versions are seen. The attacker
// knows one of the changed installs (ubuntu, 1.5.0, docker) and asks whether the target
// (debian, 1.6.0, no container) changed too (H1) or not (H0): the two hypotheses differ by one
// install, and in both the day did change. A late event and an erase are the same comparison,
// the version with the changed installs against the one without. The same data published twice
// with the same noise would give the difference exactly; noise tied to each bucket's own data
// would show which numbers moved, naming the target's buckets; only re-drawing the whole day on
// any change keeps the stated guarantee. The fleet has a long tail of rare values, so its
// breakdowns' "other" is large and no published part has to be fitted under its total.
// The aggregation itself publishes a day once, when final, and never again: first shown here on
// the real path (a late event and an erase after publication change nothing published). The
// statistical tests then assume the worst, that both versions were published (as a day recomputed
// before it is final would be if provisional days were public), with the tallies the aggregation
// computes before and after the change.
import { beforeAll, describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../../shared/config.ts';
import {
  createNoiseSource,
  fingerprintOf,
  type NoiseSource,
} from '../../../../functions/src/privacy/publication/noise.ts';
import {
  planFor,
  publishWith,
  type PublishedDay,
} from '../../../../functions/src/privacy/publication/publish.ts';
import type { ExactDay } from '../../../../functions/src/privacy/publication/types.ts';
import type { ExactDay as MergedDay } from '../../../../functions/src/aggregate/exact.ts';
import { fromTallies } from '../../../../functions/src/aggregate/publication-input.ts';
import { installPseudonym } from '../../../../functions/src/identity/install-id.ts';
import { MemoryStore } from '../../../../functions/src/store/memory-store.ts';
import {
  baseFleet,
  describeVerdict,
  eventsOf,
  FLEET_SECRET,
  expectedFigures,
  exactView,
  judgeAttack,
  kAnonymous,
  likelihoodScore,
  publishTrial,
  runAggregation,
  type Activity,
  type Profile,
} from '../../../support/attacks.ts';

const DAY = '2026-04-14';
const plan = planFor(deploymentConfig);
const TARGET: Profile = { version: '1.6.0', os: 'debian', arch: 'x86_64', container: 'none' };
const KNOWN: Profile = { version: '1.5.0', os: 'ubuntu', arch: 'x86_64', container: 'docker' };
const TARGET_BUCKETS = [
  ['version', TARGET.version],
  ['os', TARGET.os],
  ['container', TARGET.container],
] as const;

const changed = (install: string, profile: Profile): Activity => ({
  install,
  day: DAY,
  profile,
  types: ['heartbeat'],
});
const known = changed('known', KNOWN);
const target = changed('target', TARGET);

type Figures = Pick<DayAggregate, 'breakdowns' | 'activeInstalls'>;
const value = (d: Figures, name: string, v: string) =>
  d.breakdowns[name]?.find((b) => b.value === v)?.installs ?? 0;

/** Differencing: how much d28 and the target's buckets grew from one version to the other. */
function differencing(without: Figures, withIt: Figures): number {
  let score = withIt.activeInstalls.d28 - without.activeInstalls.d28;
  for (const [name, v] of TARGET_BUCKETS) score += value(withIt, name, v) - value(without, name, v);
  return score;
}

/** Which numbers moved: how many of the target's buckets differ between the versions. */
function moved(without: Figures, withIt: Figures): number {
  return TARGET_BUCKETS.filter(([name, v]) => value(withIt, name, v) !== value(without, name, v))
    .length;
}

/** The ways of drawing noise compared: homecall's, and two that fail. */
const SOURCES: Record<string, (secret: string, exact: ExactDay) => NoiseSource> = {
  'noise re-drawn for the whole day (homecall)': (secret, exact) =>
    createNoiseSource(secret, exact.day, fingerprintOf(exact)),
  'noise tied to each bucket’s own data only': (secret, exact) =>
    createNoiseSource(secret, exact.day, ''),
  'the same noise whatever the data': (secret, exact) => {
    const source = createNoiseSource(secret, exact.day, '');
    return { draw: (material, sigma2) => source.draw({ ...material, data: '' }, sigma2) };
  },
};

/** One trial's two versions: the one without the install and the one with it. */
interface Versions {
  without: PublishedDay;
  withIt: PublishedDay;
}

/**
 * The day's tallies as the aggregation computes them, on one store, after each change: the fleet
 * alone, after the known install's late event, after the target's; and after erasing the target,
 * then the known install, from the store that had them all.
 */
async function versionsOnOneStore(fleet: Activity[]) {
  const late = new MemoryStore();
  await late.saveEvents(eventsOf(fleet));
  const run = async (store: MemoryStore) => (await runAggregation(store, [DAY]))[0];
  const first = await run(late);
  await late.saveEvents(eventsOf([known]));
  const afterKnown = await run(late);
  await late.saveEvents(eventsOf([target]));
  const afterBoth = await run(late);

  const erase = new MemoryStore();
  await erase.saveEvents(eventsOf([...fleet, known, target]));
  const full = await run(erase);
  await erase.eraseInstall(installPseudonym(FLEET_SECRET, 'target'));
  const erasedTarget = await run(erase);
  await erase.eraseInstall(installPseudonym(FLEET_SECRET, 'known'));
  const erasedBoth = await run(erase);
  return { late, first, afterKnown, afterBoth, erase, full, erasedTarget, erasedBoth };
}

describe('attack (c): differencing two versions of one day', { timeout: 300_000 }, () => {
  let exactWithout: MergedDay;
  let exactKnown: MergedDay;
  let exactBoth: MergedDay;

  beforeAll(async () => {
    const v = await versionsOnOneStore(baseFleet(300, [DAY], true));
    if (!v.first || !v.afterKnown || !v.afterBoth || !v.full || !v.erasedTarget || !v.erasedBoth)
      throw new Error('no merge');
    exactWithout = v.first.exact;
    exactKnown = v.afterKnown.exact;
    exactBoth = v.afterBoth.exact;
    // The aggregation publishes the day once: neither the late events nor the erases change it.
    expect(v.first.status).toBe('published');
    expect([v.afterKnown, v.afterBoth].map((o) => o.status)).toEqual(['kept', 'kept']);
    expect([v.erasedTarget, v.erasedBoth].map((o) => o.status)).toEqual(['kept', 'kept']);
    expect(v.late.days.get(DAY)).toEqual(v.first.aggregate);
    expect(v.erase.days.get(DAY)).toEqual(v.full.aggregate);
    // An erase and a late event are the same comparison: the same tallies either way.
    expect(exactView(v.erasedTarget.exact)).toEqual(exactView(exactKnown));
    expect(exactView(v.erasedBoth.exact)).toEqual(exactView(exactWithout));
    expect(exactView(v.full.exact)).toEqual(exactView(exactBoth));
  }, 600_000);

  test('today’s k-anonymity (k = 5) tells whether the target changed, on every fleet', async () => {
    const h0: number[] = [];
    const h1: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const v = await versionsOnOneStore(baseFleet(200 + 5 * i, [DAY], true));
      if (!v.first || !v.afterKnown || !v.afterBoth) throw new Error('no merge');
      const [without, withKnown, withBoth] = [v.first, v.afterKnown, v.afterBoth].map((o) =>
        kAnonymous(exactView(o.exact), 5),
      );
      if (!without || !withKnown || !withBoth) throw new Error('no aggregate');
      h0.push(differencing(without, withKnown));
      h1.push(differencing(without, withBoth));
    }
    // d28 up by 1 or 2, the target's three buckets up by 0 or 1 each: exact, every time.
    expect(new Set(h0)).toEqual(new Set([1]));
    expect(new Set(h1)).toEqual(new Set([5]));
    // k-anonymity is deterministic: the rates are exact, with no sampling error to allow for.
    const verdict = judgeAttack(h0, h1, plan.rho, plan.deltaThresholds, true);
    console.info(describeVerdict('attack (c) on k-anonymity', verdict));
    expect(verdict.advantage).toBe(1);
    expect(verdict.excess).toBeGreaterThan(0);
  });

  describe.each(Object.entries(SOURCES))('%s', (source, makeSource) => {
    const ours = source.includes('homecall');
    const h0: Versions[] = [];
    const h1: Versions[] = [];

    beforeAll(() => {
      // homecall's own way is the merge step's publication itself; the two that fail are the
      // publication module with another noise source.
      const publish = (merged: MergedDay, secret: string): PublishedDay => {
        if (ours) return publishTrial(merged, secret) as PublishedDay;
        const exact = fromTallies(merged);
        return publishWith(exact, plan, makeSource(secret, exact));
      };
      for (let i = 0; i < (ours ? 600 : 200); i += 1) {
        // Both versions are computed with the same secret, as a recomputation of the day is.
        const without = publish(exactWithout, `secret-${i}`);
        h0.push({ without, withIt: publish(exactKnown, `secret-${i}`) });
        h1.push({ without, withIt: publish(exactBoth, `secret-${i}`) });
      }
    }, 600_000);

    const statistics: Record<string, (v: Versions) => number> = {
      'differencing the two versions': (v) => differencing(v.without, v.withIt),
      'which numbers moved between them': (v) => moved(v.without, v.withIt),
      'the likelihood-ratio test of an attacker who knows every other install': (v) =>
        likelihoodScore(
          v.withIt as DayAggregate,
          expectedFigures(exactView(exactKnown)),
          expectedFigures(exactView(exactBoth)),
        ),
    };
    // What each way of drawing noise gives away; one version alone is protected by all of them.
    const outcomes: Record<string, Record<string, 'within' | 'beyond'>> = {
      'noise re-drawn for the whole day (homecall)': {
        'differencing the two versions': 'within',
        'which numbers moved between them': 'within',
        'the likelihood-ratio test of an attacker who knows every other install': 'within',
      },
      'noise tied to each bucket’s own data only': {
        'which numbers moved between them': 'beyond',
        'the likelihood-ratio test of an attacker who knows every other install': 'within',
      },
      'the same noise whatever the data': {
        'differencing the two versions': 'beyond',
        'which numbers moved between them': 'beyond',
        'the likelihood-ratio test of an attacker who knows every other install': 'within',
      },
    };
    test.each(Object.entries(outcomes[source] ?? {}))('%s: %s the bound', (name, outcome) => {
      const score = statistics[name];
      if (!score) throw new Error(`no statistic ${name}`);
      const verdict = judgeAttack(h0.map(score), h1.map(score), plan.rho, plan.deltaThresholds);
      console.info(describeVerdict(`attack (c) ${source}, ${name}`, verdict));
      if (outcome === 'beyond') {
        expect(verdict.advantage).toBeGreaterThan(0.8);
        expect(verdict.excess).toBeGreaterThan(0);
      } else {
        expect(verdict.excess).toBeLessThanOrEqual(0);
        if (ours) expect(verdict.advantage).toBeLessThan(0.5);
      }
    });
  });
});
