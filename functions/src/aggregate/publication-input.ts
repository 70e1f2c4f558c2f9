/**
 * The aggregation's merged tallies (exact.ts) in the form the publication module takes: one call
 * between the merge step and publishDay. It lives on the aggregation's side so that the
 * publication never imports the aggregation (an ESLint rule keeps it so). It changes no number; the
 * per-install bounds (clip.ts) must already be in the tallies.
 */
import type { ExactDay as MergedDay } from './exact.ts';
import { toContributors, type Tally } from './digest.ts';
import { EMPTY_DIGEST } from '../privacy/publication/digest.ts';
import type { ExactBucket, ExactCount, ExactDay } from '../privacy/publication/types.ts';

const count = (t: Tally): ExactCount => {
  const { installs, digest } = toContributors(t);
  return { count: installs, digest };
};

const bucket = (key: string, t: Tally, sums?: Record<string, number>): ExactBucket => {
  const { installs, digest } = toContributors(t);
  return sums ? { key, installs, digest, sums } : { key, installs, digest };
};

const buckets = (map: ReadonlyMap<string, Tally>): ExactBucket[] =>
  [...map].map(([key, t]) => bucket(key, t));

/** The publication input of a merged day. */
export function fromTallies(merged: MergedDay): ExactDay {
  const breakdowns: Record<string, ExactBucket[]> = {};
  for (const [name, values] of merged.breakdowns) breakdowns[name] = buckets(values);
  const counterValues: Record<string, ExactBucket[]> = {};
  for (const [group, g] of merged.counters)
    counterValues[group] = [...g.values].map(([value, v]) =>
      bucket(value, v.installs, { sum: v.sum }),
    );
  return {
    day: merged.day,
    activeInstalls: { d1: count(merged.d1), d7: count(merged.d7), d28: count(merged.d28) },
    newInstalls: count(merged.newInstalls),
    // Events carry no contributor digest in the tallies: the day's fingerprint still changes
    // their noise whenever any of them changes.
    events: [...merged.events].map(([type, n]) => ({
      key: type,
      installs: 0,
      digest: EMPTY_DIGEST,
      sums: { events: n },
    })),
    breakdowns,
    upgrades: buckets(merged.upgrades),
    reliability: {
      versions: [...merged.versions].map(([version, v]) =>
        bucket(version, v.active, {
          crashedInstalls: v.crashed.n,
          crashEvents: v.crashEvents,
          fatalEvents: v.fatalEvents,
        }),
      ),
      failures: [...merged.signatures].map(([signature, s]) =>
        bucket(signature, s.installs, { events: s.events }),
      ),
      installFailures: buckets(merged.installFailures),
    },
    counters: {
      groups: [...merged.counters].map(([group, g]) => bucket(group, g.installs)),
      values: counterValues,
    },
    screening: {
      newlyEstablished: count(merged.screening.newlyEstablished),
      pendingD1: count(merged.screening.pendingD1),
      pendingD28: count(merged.screening.pendingD28),
      proven: count(merged.screening.proven),
      newProfiles: buckets(merged.screening.newProfiles),
      establishedProfiles: buckets(merged.screening.establishedProfiles),
      held: [...merged.screening.held].map(([reason, h]) =>
        bucket(reason, h.installs, { reports: h.reports }),
      ),
      failures: buckets(merged.screening.failures),
    },
  };
}
