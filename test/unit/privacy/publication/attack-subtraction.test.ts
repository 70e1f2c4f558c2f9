// Attack (a), subtraction within a day: one install runs a version nobody else runs and crashed
// (2 crashes, 1 fatal). k-anonymity hides its reliability row, but d1 and the events by type are
// published exactly, so the hidden row is the total minus the shown rows. The attacker tells
// "the install is there and crashed" (H1) from "it is not there" (H0) over many trials. Every
// trial is the day the aggregation's merge step publishes from the real merged tallies, under
// another deployment secret.
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
} from '../../../support/attacks.ts';

const DAY = '2026-04-14';
const TRIALS = 800;
const plan = planFor(deploymentConfig);

/** The install the attacker is after. */
const target = (day: string): Activity => ({
  install: 'target',
  day,
  profile: { version: '0.9-rare', os: 'debian', arch: 'x86_64', container: 'none' },
  types: ['heartbeat', 'crash', 'crash', 'fatal'],
});

/** The hidden row by subtraction: [installs, crashes, fatals] that no shown row accounts for. */
function hiddenRow(day: Pick<DayAggregate, 'activeInstalls' | 'events' | 'reliability'>): number[] {
  const shown = day.reliability.versions.filter((r) => r.version !== 'other');
  const sum = (pick: (r: (typeof shown)[number]) => number) =>
    shown.reduce((s, r) => s + pick(r), 0);
  return [
    day.activeInstalls.d1 - sum((r) => r.activeInstalls),
    (day.events.crash ?? 0) - sum((r) => r.crashEvents),
    (day.events.fatal ?? 0) - sum((r) => r.fatalEvents),
  ];
}
const subtractionScore = (day: Pick<DayAggregate, 'activeInstalls' | 'events' | 'reliability'>) =>
  hiddenRow(day).reduce((a, b) => a + b, 0);

describe('attack (a): subtraction within a day', { timeout: 300_000 }, () => {
  test('today’s k-anonymity (k = 5) gives the hidden row away on every fleet', async () => {
    const h0: number[] = [];
    const h1: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const fleet = baseFleet(200 + i, [DAY]);
      const [t0] = await talliesOf(fleet, [DAY]);
      const [t1] = await talliesOf([...fleet, target(DAY)], [DAY]);
      if (!t0 || !t1) throw new Error('no tallies');
      const without = kAnonymous(exactView(t0), 5);
      const withTarget = kAnonymous(exactView(t1), 5);
      // The rare version has no row of its own, and no "other" row either (it would be < k)...
      expect(withTarget.reliability.versions.map((r) => r.version)).not.toContain('0.9-rare');
      // ...yet subtraction recovers it exactly: 1 install, 2 crashes, 1 fatal.
      expect(hiddenRow(withTarget)).toEqual([1, 2, 1]);
      expect(hiddenRow(without)).toEqual([0, 0, 0]);
      h0.push(subtractionScore(without));
      h1.push(subtractionScore(withTarget));
    }
    // k-anonymity is deterministic: the rates are exact, with no sampling error to allow for.
    const verdict = judgeAttack(h0, h1, plan.rho, plan.deltaThresholds, true);
    console.info(describeVerdict('attack (a) on k-anonymity', verdict));
    expect(verdict.advantage).toBe(1);
    expect(verdict.excess).toBeGreaterThan(0);
  });

  describe('differential privacy', () => {
    let e0: Map<string, number>;
    let e1: Map<string, number>;
    let h0Days: DayAggregate[];
    let h1Days: DayAggregate[];

    beforeAll(async () => {
      const fleet = baseFleet(300, [DAY]);
      const [t0] = await talliesOf(fleet, [DAY]);
      const [t1] = await talliesOf([...fleet, target(DAY)], [DAY]);
      if (!t0 || !t1) throw new Error('no tallies');
      e0 = expectedFigures(exactView(t0));
      e1 = expectedFigures(exactView(t1));
      h0Days = Array.from({ length: TRIALS }, (_, i) => publishTrial(t0, `h0-${i}`));
      h1Days = Array.from({ length: TRIALS }, (_, i) => publishTrial(t1, `h1-${i}`));
    }, 600_000);

    test('the rare version never gets a row of its own', () => {
      for (const d of h1Days)
        expect(d.reliability.versions.map((r) => r.version)).not.toContain('0.9-rare');
    });

    test.each([
      ['subtraction (total minus shown rows)', subtractionScore],
      [
        'the likelihood-ratio test of an attacker who knows every other install',
        (d: DayAggregate) => likelihoodScore(d, e0, e1),
      ],
    ])('%s stays within the bound of the stated (ε, δ)', (name, score) => {
      const verdict = judgeAttack(
        h0Days.map(score),
        h1Days.map(score),
        plan.rho,
        plan.deltaThresholds,
      );
      console.info(describeVerdict(`attack (a) ${name}`, verdict));
      expect(verdict.excess).toBeLessThanOrEqual(0);
      expect(verdict.advantage).toBeLessThan(0.5);
    });
  });
});
