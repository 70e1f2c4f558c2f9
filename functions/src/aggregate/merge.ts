/**
 * The merge of one day: sums the partials of every shard of the run and hands the exact tallies to
 * the publication module (functions/src/privacy/publication/), which publishes them under
 * differential privacy. It refuses (throws, so the task queue retries) while any shard's partial is
 * missing: a day is never published with a shard left out. A day is published once, when final,
 * and never replaced (`mayPublish`): every version would spend the day's privacy budget again.
 */
import { publicationOf, type DayAggregate } from '../../../shared/aggregate.ts';
import { addDays, monthsBetween, type Day } from '../../../shared/dates.ts';
import type { DayProjection } from '../../../shared/days-query.ts';
import { fromTallies } from './publication-input.ts';
import { mayPublish, publishDay } from '../privacy/publication/publish.ts';
import type { PreviousDay } from '../privacy/publication/smoothing.ts';
import { partialId, type RunPlan } from '../model/stored.ts';
import { ANOMALY_FIELDS, detectAnomaly } from './anomaly.ts';
import { addExact, emptyExact, exactFromJson, type ExactDay } from './exact.ts';
import { isFinal, type AggregationDependencies } from './plan.ts';
import { settleProvisional } from './screening.ts';

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

/**
 * What a merge did with its day: `published` (written now), `provisional` (late events may still
 * come, so nothing is published yet) or `kept` (published before, and a published day is never
 * replaced). `aggregate` is what `days/{day}` holds afterwards; `exact` the merged tallies, which
 * never leave the process.
 */
export interface MergeOutcome {
  day: Day;
  status: 'published' | 'provisional' | 'kept';
  aggregate?: DayAggregate;
  exact: ExactDay;
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

/**
 * The exact tallies of `day`: the sum of every shard's partial, with the reporters that waited
 * for their version settled (screening.ts), and the documents behind them.
 */
export async function mergeTallies(
  deps: AggregationDependencies,
  plan: RunPlan,
  day: Day,
): Promise<{ exact: ExactDay; documentsRead: number; documentsWritten: number }> {
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
  settleProvisional(exact, deps.config, deps.publicationSecret());
  return {
    exact,
    documentsRead: partials.reduce((n, p) => n + p.documentsRead, 0) + plan.shards,
    documentsWritten: partials.reduce((n, p) => n + p.documentsWritten, 0),
  };
}

/**
 * The public aggregate of merged tallies: every figure through the publication module, with the
 * (ε, δ) it was published with. Pure: the same tallies, secret and day before give the same day.
 * `previous` is the day before as published, whose window figures the day's are smoothed with.
 */
export function publishMerged(
  exact: ExactDay,
  deps: Pick<AggregationDependencies, 'config' | 'publicationSecret' | 'demo'>,
  final: boolean,
  run: DayAggregate['run'],
  previous?: PreviousDay,
): DayAggregate {
  const published = publishDay(fromTallies(exact), deps.config, deps.publicationSecret(), previous);
  return {
    day: exact.day,
    final,
    ...published,
    run,
    // What else the day was computed with (retention, late window), so the site states what the
    // data says; and the demo marker, so a deploy refuses days of the simulated fleet.
    publication: publicationOf(deps.config),
    ...(deps.demo ? { demo: true as const } : {}),
  };
}

/** Days published in this merge's memory, by day (each once per merge), and the documents read for them. */
interface Published {
  days: Map<Day, Promise<DayAggregate | undefined>>;
  reads: number;
}

/**
 * `day` as published, or undefined when it is not (and will not be by this run): the stored day
 * when it was published under differential privacy; otherwise, when the run publishes it (one of
 * its final days), the day as its own merge will publish it — from the same tallies with the same
 * noise, smoothed with its own day before the same way — so that what depends on it does not
 * depend on which merge ran first (the task queue enqueues them oldest first, but a retried task
 * may come later).
 */
function publishedDay(
  deps: AggregationDependencies,
  plan: RunPlan,
  day: Day,
  memory: Published,
): Promise<DayAggregate | undefined> {
  let found = memory.days.get(day);
  if (!found) {
    found = (async () => {
      const [stored] = await deps.store.readDays(day, day);
      memory.reads += 1;
      if (stored?.final && stored.privacy) return stored;
      if (!plan.days.includes(day) || !isFinal(day, plan.today, deps.config)) return undefined;
      const { exact } = await mergeTallies(deps, plan, day);
      memory.reads += plan.shards;
      const previous = await publishedDay(deps, plan, addDays(day, -1), memory);
      return publishMerged(exact, deps, true, emptyRun(), previous);
    })();
    memory.days.set(day, found);
  }
  return found;
}

/**
 * The published days an anomaly flag of `day` is judged against, and the documents read for
 * them: days already published come from the store; the run's days not published yet (final,
 * like every day before a final one, and merged one at a time in any order) are published here
 * as their own merge will publish them, from the same tallies with the same noise, so the flag
 * does not depend on which merge ran first.
 */
async function baselineDays(
  deps: AggregationDependencies,
  plan: RunPlan,
  day: Day,
  memory: Published,
): Promise<DayProjection[]> {
  const from = addDays(day, -deps.config.screening.anomaly.baselineDays);
  const to = addDays(day, -1);
  // Only published days are stored (a provisional day is never written).
  const stored = await deps.store.readDays(from, to, [...ANOMALY_FIELDS]);
  const have = new Set(stored.map((d) => d.day));
  const days: DayProjection[] = [...stored];
  memory.reads += monthsBetween(from, to).length;
  for (const d of plan.days.filter((d) => d >= from && d < day && !have.has(d))) {
    const published = await publishedDay(deps, plan, d, memory);
    if (published) days.push(published);
  }
  return days;
}

function emptyRun(): DayAggregate['run'] {
  return { computedAt: new Date(0).toISOString(), documentsRead: 0, documentsWritten: 0 };
}

/** Merges the partials of `day` and, when it is final and not published yet, publishes it. */
export async function mergeDay(
  deps: AggregationDependencies,
  plan: RunPlan,
  day: Day,
): Promise<MergeOutcome> {
  const { exact, documentsRead, documentsWritten } = await mergeTallies(deps, plan, day);
  const final = isFinal(day, plan.today, deps.config);
  if (!final) return { day, status: 'provisional', exact };
  const [stored] = await deps.store.readDays(day, day);
  if (!mayPublish({ final }, stored)) return { day, status: 'kept', aggregate: stored, exact };
  // The day before as published: its window figures smooth the day's.
  const memory: Published = { days: new Map(), reads: 0 };
  const previous = await publishedDay(deps, plan, addDays(day, -1), memory);
  const aggregate = publishMerged(
    exact,
    deps,
    final,
    {
      computedAt: new Date(deps.clock()).toISOString(),
      documentsRead: documentsRead + 1,
      documentsWritten: documentsWritten + 1,
    },
    previous,
  );
  // The flag is read from published (noisy) figures alone: it costs no privacy (anomaly.ts).
  const baseline = await baselineDays(deps, plan, day, memory);
  const anomaly = detectAnomaly(aggregate, baseline, deps.config.screening.anomaly);
  if (anomaly) aggregate.anomaly = anomaly;
  aggregate.run.documentsRead += memory.reads;
  await deps.store.writeDays([aggregate]);
  return { day, status: 'published', aggregate, exact };
}
