/**
 * The merge of one day: sums the partials of every shard of the run, applies the publication
 * rules and writes `days/{day}`. It refuses (throws, so the task queue retries) while any shard's
 * partial is missing: a day is never published with a shard left out.
 */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import type { Day } from '../../../shared/dates.ts';
import { partialId, type RunPlan } from '../store/types.ts';
import { addExact, emptyExact, exactFromJson } from './exact.ts';
import { isFinal, type AggregationDependencies } from './plan.ts';
import { publishDay } from './publish.ts';

/** A merge found partials missing; retry once the shards are done. */
export class PartialsMissingError extends Error {
  readonly day: Day;
  readonly missing: number[];

  constructor(day: Day, missing: number[]) {
    super(`day ${day}: partials of shard(s) ${missing.join(', ')} are missing`);
    this.name = 'PartialsMissingError';
    this.day = day;
    this.missing = missing;
  }
}

/** Which shards of `plan` have not stored their partial of `day` yet. */
export async function missingShards(
  deps: AggregationDependencies,
  plan: RunPlan,
  day: Day,
): Promise<number[]> {
  const ids = Array.from({ length: plan.shards }, (_, s) => partialId(plan.id, day, s));
  const found = new Set((await deps.store.readPartials(ids)).map((p) => p.shard));
  return Array.from({ length: plan.shards }, (_, s) => s).filter((s) => !found.has(s));
}

/** Merges the partials of `day` and writes its public aggregate. */
export async function mergeDay(
  deps: AggregationDependencies,
  plan: RunPlan,
  day: Day,
): Promise<DayAggregate> {
  const ids = Array.from({ length: plan.shards }, (_, s) => partialId(plan.id, day, s));
  const partials = await deps.store.readPartials(ids);
  if (partials.length < plan.shards) {
    const found = new Set(partials.map((p) => p.shard));
    throw new PartialsMissingError(
      day,
      Array.from({ length: plan.shards }, (_, s) => s).filter((s) => !found.has(s)),
    );
  }
  const exact = emptyExact(day);
  for (const partial of partials) addExact(exact, exactFromJson(partial.exact));
  const aggregate = publishDay(exact, deps.config, {
    final: isFinal(day, plan.today, deps.config),
    demo: deps.demo,
    run: {
      computedAt: new Date(deps.clock()).toISOString(),
      documentsRead: partials.reduce((n, p) => n + p.documentsRead, 0) + plan.shards,
      documentsWritten: partials.reduce((n, p) => n + p.documentsWritten, 0) + 1,
    },
  });
  await deps.store.writeDays([aggregate]);
  return aggregate;
}
