/**
 * Publication: the one place exact tallies become the public aggregate. Today it applies
 * k-anonymity (anonymity.ts and the folds of each section); a differential-privacy module taking
 * the same ExactDay replaces the call in merge.ts, one line.
 */
import { publicationOf, type DayAggregate } from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import { EVENT_TYPES, type EventType } from '../../../shared/schema/event.ts';
import { publishBreakdowns, publishUpgrades } from './breakdowns.ts';
import { publishCounters } from './counters.ts';
import type { ExactDay } from './exact.ts';
import { publishReliability } from './reliability.ts';

/** What publication needs besides the tallies: the flag and bookkeeping of the run. */
export interface PublicationContext {
  final: boolean;
  run: DayAggregate['run'];
  /** Computed from the simulated demo fleet: the day is marked, and a deploy refuses it. */
  demo?: boolean;
}

/** The public aggregate of a day from its exact tallies; pure and deterministic. */
export function publishDay(
  exact: ExactDay,
  config: DeploymentConfig,
  context: PublicationContext,
): DayAggregate {
  const k = config.kAnonymity;
  const events: Partial<Record<EventType, number>> = {};
  for (const type of EVENT_TYPES) {
    const n = exact.events.get(type);
    if (n !== undefined && n > 0) events[type] = n;
  }
  return {
    day: exact.day,
    final: context.final,
    activeInstalls: { d1: exact.d1.n, d7: exact.d7.n, d28: exact.d28.n },
    newInstalls: exact.newInstalls.n,
    optOuts: events.opt_out ?? 0,
    events,
    breakdowns: publishBreakdowns(exact, config),
    upgrades: publishUpgrades(exact, k),
    reliability: publishReliability(exact, k),
    counters: publishCounters(exact, k),
    run: context.run,
    // The parameters the day was computed with, so the site states what the data says.
    publication: publicationOf(config),
    ...(context.demo ? { demo: true as const } : {}),
  };
}
