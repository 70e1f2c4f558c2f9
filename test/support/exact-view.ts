/**
 * The exact figures of a day's merged tallies, in the shape of a published day but without noise,
 * thresholds or folding: what tests of the counting rules compare with hand counts, and what the
 * bench measures the published figures against. The aggregation never publishes these; they are
 * the input of the publication module (MergeOutcome.exact).
 */
import {
  BREAKDOWNS,
  UNKNOWN,
  type Bucket,
  type DayAggregate,
  type EstablishedFigures,
} from '../../shared/aggregate.ts';
import { EVENT_TYPES, type EventType } from '../../shared/schema/event.ts';
import { HELD_REASONS } from '../../shared/screening.ts';
import type { Tally } from '../../functions/src/aggregate/digest.ts';
import type { ExactDay } from '../../functions/src/aggregate/exact.ts';
import type { MergeOutcome } from '../../functions/src/aggregate/merge.ts';

/**
 * A day's exact figures, shaped like its published aggregate; the screening figures without what
 * only the publication states (the rule's days, the failures' cap) and without a flag (judged
 * from published figures only).
 */
export type ExactView = Omit<
  DayAggregate,
  'final' | 'run' | 'privacy' | 'established' | 'unestablishedInstallFailures' | 'anomaly'
> & {
  established: Omit<EstablishedFigures, 'minDays'>;
  unestablishedInstallFailures: { installs: number; codes: { code: string; installs: number }[] };
};

const byValue = (a: Bucket, b: Bucket) =>
  (a.value === UNKNOWN ? 1 : 0) - (b.value === UNKNOWN ? 1 : 0) ||
  b.installs - a.installs ||
  a.value.localeCompare(b.value);

const bucketsOf = (map: ReadonlyMap<string, Tally>): Bucket[] =>
  [...map]
    .filter(([, t]) => t.n > 0)
    .map(([value, t]) => ({ value, installs: t.n }))
    .sort(byValue);

/** The exact figures of merged tallies: every bucket, however small. */
export function exactView(exact: ExactDay): ExactView {
  const events: Partial<Record<EventType, number>> = {};
  for (const type of EVENT_TYPES) {
    const n = exact.events.get(type);
    if (n !== undefined && n > 0) events[type] = n;
  }
  const breakdowns: Record<string, Bucket[]> = {};
  for (const name of [...new Set<string>([...BREAKDOWNS, ...exact.breakdowns.keys()])].sort())
    breakdowns[name] = [...(exact.breakdowns.get(name) ?? [])]
      .filter(([, t]) => t.n > 0)
      .map(([value, t]) => ({ value, installs: t.n }))
      .sort(byValue);
  return {
    day: exact.day,
    activeInstalls: { d1: exact.d1.n, d7: exact.d7.n, d28: exact.d28.n },
    newInstalls: exact.newInstalls.n,
    optOuts: events.opt_out ?? 0,
    events,
    breakdowns,
    upgrades: [...exact.upgrades]
      .map(([key, t]) => {
        const [from = '', to = ''] = key.split('\u0000');
        return { from, to, installs: t.n };
      })
      .sort(
        (a, b) =>
          b.installs - a.installs || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
      ),
    reliability: {
      versions: [...exact.versions]
        .filter(([, v]) => v.active.n > 0)
        .map(([version, v]) => ({
          version,
          activeInstalls: v.active.n,
          crashedInstalls: v.crashed.n,
          crashFreeRate: Math.round((1 - v.crashed.n / v.active.n) * 10_000) / 10_000,
          crashEvents: v.crashEvents,
          fatalEvents: v.fatalEvents,
        }))
        .sort((a, b) => b.activeInstalls - a.activeInstalls || a.version.localeCompare(b.version)),
      topFailures: [...exact.signatures]
        .map(([signature, s]) => ({ signature, installs: s.installs.n, events: s.events }))
        .sort(
          (a, b) =>
            b.installs - a.installs ||
            b.events - a.events ||
            a.signature.localeCompare(b.signature),
        ),
      installFailures: [...exact.installFailures]
        .map(([code, t]) => ({ code, installs: t.n }))
        .sort((a, b) => b.installs - a.installs || a.code.localeCompare(b.code)),
    },
    counters: [...exact.counters]
      .map(([group, g]) => {
        const values = [...g.values]
          .map(([value, v]) => ({ value, installs: v.installs.n, sum: v.sum }))
          .sort((a, b) => b.sum - a.sum || a.value.localeCompare(b.value));
        return {
          group,
          installs: g.installs.n,
          sum: values.reduce((s, v) => s + v.sum, 0),
          values,
        };
      })
      .sort((a, b) => a.group.localeCompare(b.group)),
    established: {
      newlyEstablished: exact.screening.newlyEstablished.n,
      pending: { d1: exact.screening.pendingD1.n, d28: exact.screening.pendingD28.n },
      proven: exact.screening.proven.n,
      newInstallProfiles: bucketsOf(exact.screening.newProfiles),
      newlyEstablishedProfiles: bucketsOf(exact.screening.establishedProfiles),
    },
    heldOut: heldOutOf(exact),
    unestablishedInstallFailures: failuresOf(exact),
  };
}

function heldOutOf(exact: ExactDay): NonNullable<DayAggregate['heldOut']> {
  const reasons = HELD_REASONS.map((reason) => {
    const h = exact.screening.held.get(reason);
    return { reason, reports: h?.reports ?? 0, installs: h?.installs.n ?? 0 };
  });
  return {
    reports: reasons.reduce((n, r) => n + r.reports, 0),
    installs: reasons.reduce((n, r) => n + r.installs, 0),
    reasons,
  };
}

function failuresOf(exact: ExactDay): ExactView['unestablishedInstallFailures'] {
  const codes = bucketsOf(exact.screening.failures).map((b) => ({
    code: b.value,
    installs: b.installs,
  }));
  return { installs: codes.reduce((n, c) => n + c.installs, 0), codes };
}

/** The exact views of a run's days, in the run's order. */
export function exactViews(outcomes: readonly MergeOutcome[]): ExactView[] {
  return outcomes.map((o) => exactView(o.exact));
}
