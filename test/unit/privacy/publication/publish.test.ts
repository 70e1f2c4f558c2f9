// What a published day states about itself and where each of its numbers takes its noise from,
// without a simulated fleet: the parameters stamped on the day (each query's σ and threshold as
// the plan has them, rounded as shown), the two noise sources (what is held out re-draws only the
// figures that say so), the screening section only for days that have screening tallies, and the
// rule that a day is published once, when final.
import { describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../../shared/aggregate.ts';
import { MECHANISM } from '../../../../shared/privacy.ts';
import { planPublication } from '../../../../functions/src/privacy/publication/plan.ts';
import {
  mayPublish,
  noiseSources,
  planFor,
  privacyParameters,
  publishDay,
  publishWith,
} from '../../../../functions/src/privacy/publication/publish.ts';
import { sigmaSquared } from '../../../../functions/src/privacy/publication/sampler.ts';
import type {
  ExactDay,
  ExactScreening,
} from '../../../../functions/src/privacy/publication/types.ts';
import {
  configWith,
  countOf,
  exactDay,
  names,
  scriptedNoise,
} from '../../../support/publication.ts';

const DAY = '2026-05-20';
const config = configWith({ epsilon: 2, delta: 1e-8, eventClip: 7, counterClip: 50 });
const plan = planPublication(config);

describe('the parameters a day states', () => {
  const stated = privacyParameters(plan);

  test('the deployment’s (ε, δ), bounds and mechanism, and the day’s ρ to 6 decimals', () => {
    expect(stated).toMatchObject({
      mechanism: MECHANISM,
      epsilon: 2,
      delta: 1e-8,
      eventClip: 7,
      counterClip: 50,
      valuesPerInstall: config.privacy.valuesPerInstall,
      counterValuesPerInstall: config.privacy.counterValuesPerInstall,
      counterGroupsPerInstall: config.privacy.counterGroupsPerInstall,
    });
    expect(Math.abs(stated.rho - plan.rho)).toBeLessThanOrEqual(5e-7);
    expect(Number.isInteger(Math.round(stated.rho * 1e6))).toBe(true);
    expect(stated.rho * 1e6).toBeCloseTo(Math.round(stated.rho * 1e6), 6);
  });

  test('one σ for all single-valued breakdowns, modules and every other query by name', () => {
    const single = new Set(plan.breakdowns.map((name) => `breakdowns.${name}`));
    const expected = [
      'breakdowns',
      ...plan.specs.map((s) => s.id).filter((id) => !single.has(id)),
    ].sort();
    expect(Object.keys(stated.noise).sort()).toEqual(expected);
    expect(expected).toContain('breakdowns.module');
  });

  test.each(planPublication(config).specs.map((s) => s.id))(
    '%s: σ to 3 decimals, its threshold if it has one',
    (id) => {
      const query = plan.queries.get(id);
      const single = id.startsWith('breakdowns.') && id !== 'breakdowns.module';
      const shown = stated.noise[single ? 'breakdowns' : id];
      expect(Math.abs((shown?.sigma ?? 0) - (query?.sigma ?? -1))).toBeLessThanOrEqual(5e-4);
      expect((shown?.sigma ?? 0) * 1000).toBeCloseTo(Math.round((shown?.sigma ?? 0) * 1000), 6);
      if (query?.threshold === undefined) expect(shown).toStrictEqual({ sigma: shown?.sigma });
      else expect(shown?.threshold).toBe(query.threshold);
    },
  );
});

describe('the plan of a config', () => {
  test('computed once per config object, again for another object', () => {
    const first = planFor(config);
    expect(planFor(config)).toBe(first);
    expect(first).toEqual(plan);
    const other = configWith({ epsilon: 3 });
    expect(planFor(other)).not.toBe(first);
    expect(planFor(other).rho).toBeGreaterThan(first.rho);
  });
});

/** Screening tallies with `established` installs newly established and nothing else. */
const screening = (established: number, held = 0): ExactScreening => ({
  newlyEstablished: countOf(names('established', established)),
  pendingD1: countOf([]),
  pendingD28: countOf([]),
  proven: countOf([]),
  newProfiles: [],
  establishedProfiles: [],
  held:
    held === 0
      ? []
      : [{ key: 'oneShot', installs: held, digest: countOf(names('held', held)).digest }],
  failures: [],
});

const fleet = (parts: Partial<ExactDay> = {}): ExactDay =>
  exactDay(DAY, {
    activeInstalls: {
      d1: countOf(names('a', 40)),
      d7: countOf(names('a', 50)),
      d28: countOf(names('a', 60)),
    },
    newInstalls: countOf(names('a', 4)),
    ...parts,
  });

describe('which noise each figure takes', () => {
  test('one source for everything, or the counted figures and the screening ones apart', () => {
    const one = scriptedNoise({
      'activeInstalls|d1|installs': 2,
      'newInstalls|newInstalls|installs': 3,
    });
    const single = publishWith(fleet({ screening: screening(6) }), plan, one);
    expect(single.activeInstalls).toEqual({ d1: 42, d7: 50, d28: 60 });
    expect(single.newInstalls).toBe(7);
    expect(single.established?.newlyEstablished).toBe(6);

    const figures = scriptedNoise({
      'activeInstalls|d1|installs': 2,
      'newInstalls|newInstalls|installs': 30,
    });
    const held = scriptedNoise({
      'activeInstalls|d1|installs': 20,
      'newInstalls|newInstalls|installs': 3,
    });
    const apart = publishWith(fleet({ screening: screening(6) }), plan, {
      figures,
      screening: held,
    });
    expect(apart.activeInstalls).toEqual({ d1: 42, d7: 50, d28: 60 });
    expect(apart.newInstalls).toBe(7);
    const queries = (asked: { query: string }[]) => new Set(asked.map((m) => m.query));
    expect(queries(figures.asked)).not.toContain('newInstalls');
    expect([...queries(figures.asked)].some((q) => q.startsWith('established.'))).toBe(false);
    expect(queries(held.asked)).toContain('newInstalls');
    expect(queries(held.asked)).toContain('established.newlyEstablished');
    expect(queries(held.asked)).not.toContain('activeInstalls');
  });

  test('the screening section only for a day with screening tallies', () => {
    const without = publishWith(fleet(), plan, scriptedNoise());
    expect(without).not.toHaveProperty('established');
    expect(without).not.toHaveProperty('heldOut');
    const withIt = publishWith(fleet({ screening: screening(6) }), plan, scriptedNoise());
    expect(withIt).toHaveProperty('established');
    expect(withIt.privacy).toEqual(privacyParameters(plan));
  });

  test('what is held out re-draws the screening noise only; what counts re-draws both', () => {
    const sigma2 = sigmaSquared(1000);
    const material = (key: string) => ({ query: 'q', key, column: 'installs', data: 'd' });
    const draws = (exact: ExactDay) => {
      const { figures, screening: held } = noiseSources(exact, 'publish-test');
      const keys = ['a', 'b', 'c', 'd'];
      return {
        figures: keys.map((k) => figures.draw(material(k), sigma2)),
        screening: keys.map((k) => held.draw(material(k), sigma2)),
      };
    };
    const base = draws(fleet({ screening: screening(6) }));
    const heldOut = draws(fleet({ screening: screening(6, 500) }));
    const moreNew = draws(fleet({ screening: screening(6), newInstalls: countOf(names('n', 9)) }));
    const counted = draws(
      fleet({
        screening: screening(6),
        newInstalls: countOf(names('a', 4)),
        activeInstalls: {
          d1: countOf(names('a', 41)),
          d7: countOf(names('a', 50)),
          d28: countOf(names('a', 60)),
        },
      }),
    );
    expect(heldOut.figures).toEqual(base.figures);
    expect(heldOut.screening).not.toEqual(base.screening);
    expect(moreNew.figures).toEqual(base.figures);
    expect(moreNew.screening).not.toEqual(base.screening);
    expect(counted.figures).not.toEqual(base.figures);
    expect(counted.screening).not.toEqual(base.screening);
    expect(draws(fleet({ screening: screening(6) }))).toEqual(base);
  });
});

describe('publishDay', () => {
  test('the plan of the config and the day’s two noise sources from the secret: the same day again', () => {
    const exact = fleet({ screening: screening(6, 20) });
    const published = publishDay(exact, config, 'publish-test');
    expect(published).toEqual(
      publishWith(exact, planFor(config), noiseSources(exact, 'publish-test')),
    );
    expect(publishDay(exact, config, 'publish-test')).toEqual(published);
    expect(published.privacy).toEqual(privacyParameters(plan));
    expect(published).toHaveProperty('established');
    expect(() => publishDay(exact, config, '')).toThrow('the publication needs the HMAC secret');
  });
});

describe('each day is published once, when final', () => {
  const dp = { mechanism: 'discrete-gaussian-zcdp' } as DayAggregate['privacy'];
  test.each<
    [string, { final: boolean }, Pick<DayAggregate, 'final' | 'privacy'> | undefined, boolean]
  >([
    ['a provisional day is not published', { final: false }, undefined, false],
    [
      'a provisional day never replaces a published one',
      { final: false },
      { final: true, privacy: dp },
      false,
    ],
    ['a final day not yet stored is published', { final: true }, undefined, true],
    [
      'a final day replaces its provisional or k-anonymous version',
      { final: true },
      { final: false },
      true,
    ],
    [
      'a final day replaces a provisional version that states its noise',
      { final: true },
      { final: false, privacy: dp },
      true,
    ],
    ['a final day replaces a final k-anonymous version', { final: true }, { final: true }, true],
    [
      'a published final day is never replaced (a late erase does not republish it)',
      { final: true },
      { final: true, privacy: dp },
      false,
    ],
  ])('%s', (_name, computed, stored, expected) => {
    expect(mayPublish(computed, stored)).toBe(expected);
  });
});
