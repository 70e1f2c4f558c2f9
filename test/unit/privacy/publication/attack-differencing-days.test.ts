// Attack (b), differencing across days: four installs share a rare profile (freebsd, riscv64,
// version 0.9-rare) and a fifth with the same profile installs on day 2. Under k-anonymity the
// rare values jump out of "other" the day the new install lifts them to k, and d28 and
// newInstalls go up by exactly one: the new install's whole profile is published. The attacker
// tells "a new install with that profile arrived on day 2" (H1) from "nobody arrived" (H0).
// Every trial publishes both days as the aggregation's merge step does, under another secret.
import { beforeAll, describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../../shared/config.ts';
import { planFor } from '../../../../functions/src/privacy/publication/publish.ts';
import {
  baseFleet,
  describeVerdict,
  expectedFigures,
  exactView,
  judgeAttack,
  kAnonymous,
  likelihoodScore,
  publishTrial,
  talliesOf,
  type Activity,
  type Profile,
} from '../../../support/attacks.ts';

const DAYS = ['2026-04-14', '2026-04-15'];
const DAY2 = DAYS[1] ?? '';
const TRIALS = 800;
const plan = planFor(deploymentConfig);
const RARE: Profile = { version: '0.9-rare', os: 'freebsd', arch: 'riscv64', container: 'jail' };

/** The base fleet plus four installs of the rare profile, all active on both days. */
function fleet(size: number): Activity[] {
  const rare = Array.from({ length: 4 }, (_, i) =>
    DAYS.map((day): Activity => ({
      install: `rare-${i}`,
      day,
      profile: RARE,
      types: ['heartbeat'],
    })),
  ).flat();
  return [...baseFleet(size, DAYS), ...rare];
}
const newcomer: Activity = { install: 'newcomer', day: DAY2, profile: RARE, types: ['install'] };

/** What the attacker reads off two consecutive days: the rare values that appeared, and d28's rise. */
type Figures = Pick<DayAggregate, 'activeInstalls' | 'newInstalls' | 'breakdowns'>;
function difference(before: Figures, after: Figures): number {
  const shown = (d: Figures, name: string, value: string) =>
    d.breakdowns[name]?.find((b) => b.value === value)?.installs ?? 0;
  let score = after.activeInstalls.d28 - before.activeInstalls.d28 + after.newInstalls;
  for (const [name, value] of [
    ['os', RARE.os],
    ['arch', RARE.arch],
    ['version', RARE.version],
    ['container', RARE.container],
  ] as const)
    score += shown(after, name, value) - shown(before, name, value);
  return score;
}

describe('attack (b): differencing across days', { timeout: 300_000 }, () => {
  test('today’s k-anonymity (k = 5) publishes the newcomer’s profile on every fleet', async () => {
    const h0: number[] = [];
    const h1: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const base = fleet(200 + i);
      const [b0, a0, b1, a1] = [
        ...(await talliesOf(base, DAYS)),
        ...(await talliesOf([...base, newcomer], DAYS)),
      ].map((t) => kAnonymous(exactView(t), 5));
      if (!b0 || !a0 || !b1 || !a1) throw new Error('no tallies');
      // Hidden on day 1 (4 < k), published with 5 installs on day 2, exactly one more in d28.
      expect(b1.breakdowns.os?.find((b) => b.value === 'freebsd')).toBeUndefined();
      expect(a1.breakdowns.os?.find((b) => b.value === 'freebsd')?.installs).toBe(5);
      expect(a1.breakdowns.arch?.find((b) => b.value === 'riscv64')?.installs).toBe(5);
      expect(a1.activeInstalls.d28 - b1.activeInstalls.d28).toBe(1);
      h0.push(difference(b0, a0));
      h1.push(difference(b1, a1));
    }
    // k-anonymity is deterministic: the rates are exact, with no sampling error to allow for.
    const verdict = judgeAttack(h0, h1, plan.rho, plan.deltaThresholds, true);
    console.info(describeVerdict('attack (b) on k-anonymity', verdict));
    expect(verdict.advantage).toBe(1);
    expect(verdict.excess).toBeGreaterThan(0);
  });

  describe('differential privacy', () => {
    let e0: Map<string, number>;
    let e1: Map<string, number>;
    const h0: { before: DayAggregate; after: DayAggregate }[] = [];
    const h1: { before: DayAggregate; after: DayAggregate }[] = [];
    // Day 2 smoothed over time with day 1 as published, as the merge publishes consecutive days.
    const s0: { before: DayAggregate; after: DayAggregate }[] = [];
    const s1: { before: DayAggregate; after: DayAggregate }[] = [];

    beforeAll(async () => {
      const base = fleet(300);
      const [before0, after0] = await talliesOf(base, DAYS);
      const [before1, after1] = await talliesOf([...base, newcomer], DAYS);
      if (!before0 || !after0 || !before1 || !after1) throw new Error('no tallies');
      expect(before1).toEqual(before0);
      e0 = expectedFigures(exactView(after0));
      e1 = expectedFigures(exactView(after1));
      for (let i = 0; i < TRIALS; i += 1) {
        // Day 1 is the same under both hypotheses (and published once); day 2 differs.
        const before = publishTrial(before0, `trial-${i}`);
        h0.push({ before, after: publishTrial(after0, `trial-${i}`) });
        h1.push({ before, after: publishTrial(after1, `trial-${i}`) });
        s0.push({ before, after: publishTrial(after0, `trial-${i}`, before) });
        s1.push({ before, after: publishTrial(after1, `trial-${i}`, before) });
      }
    }, 600_000);

    test('the rare profile never appears on either day', () => {
      for (const { after } of h1)
        expect(after.breakdowns.os?.map((b) => b.value)).not.toContain('freebsd');
    });

    test('smoothed over time, the day-to-day difference stays within the bound too', () => {
      // Blending in the day before (the same under both hypotheses) is post-processing.
      expect(s1.every((p) => p.after.privacy?.smoothedWith === DAYS[0])).toBe(true);
      const score = (p: { before: DayAggregate; after: DayAggregate }) =>
        difference(p.before, p.after);
      const verdict = judgeAttack(s0.map(score), s1.map(score), plan.rho, plan.deltaThresholds);
      console.info(describeVerdict('attack (b) the day-to-day difference, smoothed', verdict));
      expect(verdict.excess).toBeLessThanOrEqual(0);
      expect(verdict.advantage).toBeLessThan(0.5);
      for (const { after } of s1)
        expect(after.breakdowns.os?.map((b) => b.value)).not.toContain('freebsd');
    });

    test.each([
      [
        'the day-to-day difference',
        (p: { before: DayAggregate; after: DayAggregate }) => difference(p.before, p.after),
      ],
      [
        'the likelihood-ratio test of an attacker who knows every other install',
        (p: { after: DayAggregate }) => likelihoodScore(p.after, e0, e1),
      ],
    ])('%s stays within the bound of the stated (ε, δ)', (name, score) => {
      const verdict = judgeAttack(h0.map(score), h1.map(score), plan.rho, plan.deltaThresholds);
      console.info(describeVerdict(`attack (b) ${name}`, verdict));
      expect(verdict.excess).toBeLessThanOrEqual(0);
      expect(verdict.advantage).toBeLessThan(0.5);
    });
  });
});
