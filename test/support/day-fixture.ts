/** The sections of a day aggregate that a test about other fields leaves empty. */
import type { DayAggregate } from '../../shared/aggregate.ts';

/** Empty breakdowns, upgrades, reliability and counters. */
export function emptySections(): Pick<
  DayAggregate,
  'breakdowns' | 'upgrades' | 'reliability' | 'counters'
> {
  return {
    breakdowns: {},
    upgrades: [],
    reliability: { versions: [], topFailures: [], installFailures: [] },
    counters: [],
  };
}
