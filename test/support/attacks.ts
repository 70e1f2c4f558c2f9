/**
 * The attack harness: fleets made of real events (the ingest pipeline's prepareEvent), run through
 * the real aggregation (plan, shards, merge) on a MemoryStore; each trial of an attack is the day
 * the merge step publishes from those tallies under another deployment secret (publishMerged, the
 * function mergeDay publishes with). k-anonymity at k = 5, what homecall published before, is the
 * baseline the attacks beat. Also: an attacker's likelihood-ratio score on published figures, and
 * the check that a hypothesis test's true and false positive rates stay inside what the stated
 * (ε, δ) allows, with the sampling error of a finite number of trials taken into account.
 */
import { OTHER, UNKNOWN, type Bucket, type DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig as repositoryConfig } from '../../shared/config.ts';
import { detectionCurve } from '../../shared/privacy.ts';
import type { ExactDay } from '../../functions/src/aggregate/exact.ts';
import { aggregateRange, type MergeOutcome } from '../../functions/src/aggregate/job.ts';
import { publishMerged } from '../../functions/src/aggregate/merge.ts';
import type { IncomingEvent } from '../../functions/src/model/incoming.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../functions/src/model/stored.ts';
import type { EventType } from '../../shared/schema/event.ts';
import { exactView, type ExactView } from './exact-view.ts';

/**
 * The repository's configuration with every install counted from its first day (the
 * establishment rule off): these attacks are on the publication, so the target is counted on the
 * day it reports, as an established install would be. The publication plan is the same.
 */
const deploymentConfig = {
  ...repositoryConfig,
  screening: { ...repositoryConfig.screening, establishedDays: 1 },
};

/** The secret the fleet's install ids are pseudonymised with (an erase names it). */
export const FLEET_SECRET = 'attack-fleet';

/** How one install looks and what it sends on a day. */
export interface Profile {
  version: string;
  os: string;
  arch: string;
  container: string;
}

/** One install's events of one day. */
export interface Activity {
  install: string;
  day: string;
  profile: Profile;
  types: EventType[];
}

/** Real stored events for the activities, as ingest would store them. */
export function eventsOf(activities: readonly Activity[]): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const a of activities) {
    a.types.forEach((type, i) => {
      const incoming: IncomingEvent = {
        installId: a.install,
        eventId: `${a.install}-${a.day}-${i}`,
        type,
        product: { version: a.profile.version, channel: 'stable' },
        platform: {
          os: a.profile.os,
          kernel: 'Linux',
          arch: a.profile.arch,
          container: a.profile.container,
        },
        ...(type === 'crash'
          ? { failure: { program: 'daemon', function: 'poll', file: 'poll.c', line: 4 } }
          : {}),
        ...(type === 'fatal' ? { failure: { code: 'E_CONFIG' } } : {}),
      };
      const now = Date.parse(`${a.day}T12:00:00Z`) + i;
      const prepared = prepareEvent(incoming, [], {
        secret: FLEET_SECRET,
        now,
        config: deploymentConfig,
        source: 'v1',
      });
      if (!prepared.ok) throw new Error(prepared.issue.message);
      events.push(prepared.event);
    });
  }
  return events;
}

/** The secret of the harness's own runs; trials publish under secrets of their own. */
export const HARNESS_SECRET = 'attack-noise';

/**
 * Runs the aggregation over `days` of `store` as the deployed merge would, after the late window
 * (every day final, so published): what each merge did, exact tallies included.
 */
export async function runAggregation(
  store: MemoryStore,
  days: readonly string[],
): Promise<MergeOutcome[]> {
  const last = days.at(-1) ?? '';
  const now = Date.parse(`${last}T23:00:00Z`) + 10 * 86_400_000;
  return aggregateRange(
    { store, clock: () => now, config: deploymentConfig, publicationSecret: () => HARNESS_SECRET },
    days[0] ?? '',
    last,
  );
}

/** The merged tallies of `days` for a fleet: the real aggregation over its events. */
export async function talliesOf(
  activities: readonly Activity[],
  days: readonly string[],
): Promise<ExactDay[]> {
  const store = new MemoryStore();
  await store.saveEvents(eventsOf(activities));
  return (await runAggregation(store, days)).map((o) => o.exact);
}

const TRIAL_RUN = { computedAt: '2026-01-01T00:00:00.000Z', documentsRead: 0, documentsWritten: 0 };

/**
 * The day the merge step publishes from `exact` when the deployment's secret is `secret`; with
 * `previous`, the day before as published, its window figures smoothed with that day's.
 */
export function publishTrial(
  exact: ExactDay,
  secret: string,
  previous?: DayAggregate,
): DayAggregate {
  return publishMerged(
    exact,
    { config: deploymentConfig, publicationSecret: () => secret },
    true,
    TRIAL_RUN,
    previous,
  );
}

/** Folds the buckets under k into "other" ("unknown" kept), as k-anonymity published them. */
function foldBuckets(buckets: readonly Bucket[], k: number): Bucket[] {
  const kept = buckets.filter((b) => b.value === UNKNOWN || b.installs >= k);
  const other = buckets.filter((b) => b.value !== UNKNOWN && b.installs < k);
  const installs = other.reduce((n, b) => n + b.installs, 0);
  return installs > 0 ? [...kept, { value: OTHER, installs }] : kept;
}

/**
 * What k-anonymity at `k` published from exact figures (the rules homecall had before differential
 * privacy, for the sections the attacks read): d1, d28, new installs and events exact; breakdown
 * values and version rows under k folded into "other"; the versions' "other" row left out while it
 * is itself under k.
 */
export function kAnonymous(view: ExactView, k: number): ExactView {
  const breakdowns: Record<string, Bucket[]> = {};
  for (const [name, buckets] of Object.entries(view.breakdowns))
    breakdowns[name] = foldBuckets(buckets, k);
  const shown = view.reliability.versions.filter((r) => r.activeInstalls >= k);
  const small = view.reliability.versions.filter((r) => r.activeInstalls < k);
  const sum = (pick: (r: (typeof small)[number]) => number) =>
    small.reduce((n, r) => n + pick(r), 0);
  const otherActive = sum((r) => r.activeInstalls);
  const versions =
    otherActive >= k
      ? [
          ...shown,
          {
            version: OTHER,
            activeInstalls: otherActive,
            crashedInstalls: sum((r) => r.crashedInstalls),
            crashFreeRate: 1 - sum((r) => r.crashedInstalls) / otherActive,
            crashEvents: sum((r) => r.crashEvents),
            fatalEvents: sum((r) => r.fatalEvents),
          },
        ]
      : shown;
  return { ...view, breakdowns, reliability: { ...view.reliability, versions } };
}

/** The exact figures of merged tallies. */
export { exactView };

/**
 * A fleet of `n` installs with a realistic mix, active on each of `days`. With `tail`, every
 * third install runs a version, OS and container of its own, as real fleets have a long tail of
 * rare values: they stay under the threshold, so "other" is large.
 */
export function baseFleet(n: number, days: readonly string[], tail = false): Activity[] {
  const activities: Activity[] = [];
  for (let i = 0; i < n; i += 1) {
    const rare = tail && i % 3 === 2;
    const profile: Profile = {
      version: rare ? `0.${i}` : i % 5 < 3 ? '1.6.0' : '1.5.0',
      os: rare ? `os-${i}` : i % 3 === 0 ? 'ubuntu' : 'debian',
      arch: 'x86_64',
      container: rare ? `box-${i}` : i % 4 === 0 ? 'docker' : 'none',
    };
    for (const day of days) {
      const types: EventType[] = ['heartbeat'];
      if (profile.version === '1.5.0' && i % 11 === 0) types.push('crash');
      activities.push({ install: `fleet-${i}`, day, profile, types });
    }
  }
  return activities;
}

/** Every published number of a day by a stable name; "other" rows only where noise of their own. */
export function figuresOf(
  day: Pick<
    DayAggregate,
    'activeInstalls' | 'newInstalls' | 'events' | 'breakdowns' | 'reliability'
  >,
): Map<string, number> {
  const f = new Map<string, number>();
  f.set('activeInstalls.d1', day.activeInstalls.d1);
  f.set('activeInstalls.d7', day.activeInstalls.d7);
  f.set('activeInstalls.d28', day.activeInstalls.d28);
  f.set('newInstalls', day.newInstalls);
  for (const [type, n] of Object.entries(day.events)) f.set(`events.${type}`, n ?? 0);
  for (const [name, buckets] of Object.entries(day.breakdowns))
    for (const b of buckets)
      if (b.value !== 'other') f.set(`breakdowns.${name}.${b.value}`, b.installs);
  for (const r of day.reliability.versions) {
    if (r.version !== 'other') f.set(`versions.${r.version}.active`, r.activeInstalls);
    f.set(`versions.${r.version}.crashed`, r.crashedInstalls);
    f.set(`versions.${r.version}.crashEvents`, r.crashEvents);
    f.set(`versions.${r.version}.fatalEvents`, r.fatalEvents);
  }
  return f;
}

/** The noise σ of a figure, as the published day states it. */
export function sigmaOf(published: Pick<DayAggregate, 'privacy'>, figure: string): number {
  const noise = published.privacy?.noise ?? {};
  const pick = (id: string) => noise[id]?.sigma ?? Number.NaN;
  if (figure.startsWith('activeInstalls.')) return pick('activeInstalls');
  if (figure === 'newInstalls') return pick('newInstalls');
  if (figure.startsWith('events.')) return pick('events');
  if (figure.startsWith('breakdowns.module.')) return pick('breakdowns.module');
  if (figure.startsWith('breakdowns.')) return pick('breakdowns');
  const other = figure.startsWith('versions.other.');
  if (figure.endsWith('.active')) return pick('reliability.versions');
  if (figure.endsWith('.crashed'))
    return pick(
      other ? 'reliability.versions.other.crashedInstalls' : 'reliability.versions.crashedInstalls',
    );
  return pick(other ? 'reliability.versions.other.events' : 'reliability.versions.events');
}

/**
 * The exact figures as the attacker expects them published: versions backed by fewer than
 * `rare` installs cannot clear the threshold, so their crash figures are expected in "other".
 */
export function expectedFigures(exact: ExactView, rare = 10): Map<string, number> {
  const f = figuresOf(exact);
  for (const r of exact.reliability.versions) {
    if (r.activeInstalls >= rare) continue;
    for (const column of ['active', 'crashed', 'crashEvents', 'fatalEvents'])
      f.delete(`versions.${r.version}.${column}`);
    const add = (column: string, n: number) =>
      f.set(`versions.other.${column}`, (f.get(`versions.other.${column}`) ?? 0) + n);
    add('crashed', r.crashedInstalls);
    add('crashEvents', r.crashEvents);
    add('fatalEvents', r.fatalEvents);
  }
  return f;
}

/**
 * The likelihood-ratio score of a published day for "H1: the exact figures were e1" against
 * "H0: they were e0" under Gaussian noise: Σ (y − e0)(e1 − e0)/σ² over the figures that differ.
 * A figure not published counts as 0 (an absent "other" row, a hidden bucket).
 */
export function likelihoodScore(
  published: DayAggregate,
  e0: ReadonlyMap<string, number>,
  e1: ReadonlyMap<string, number>,
): number {
  const y = figuresOf(published);
  let score = 0;
  for (const name of new Set([...e0.keys(), ...e1.keys()])) {
    const a = e0.get(name) ?? 0;
    const b = e1.get(name) ?? 0;
    if (a === b) continue;
    const sigma = sigmaOf(published, name);
    score += (((y.get(name) ?? 0) - a) * (b - a)) / (sigma * sigma);
  }
  return score;
}

/** A one-sided confidence bound (Wilson score, z standard errors) on a proportion. */
function wilson(successes: number, n: number, z: number, upper: boolean): number {
  const p = successes / n;
  const centre = p + (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const bound = (upper ? centre + spread : centre - spread) / (1 + (z * z) / n);
  return Math.min(1, Math.max(0, bound));
}

/** One line for the test log: how well the attack did and what the guarantee allows. */
export function describeVerdict(name: string, v: AttackVerdict): string {
  return `${name}: advantage ${v.advantage.toFixed(3)}; at ≤ 5 % false positives it detects ${(100 * v.tprAt5).toFixed(1)} % (the bound allows ${(100 * v.boundAt5).toFixed(1)} %)`;
}

/** How a hypothesis test on the scores fares against the privacy guarantee. */
export interface AttackVerdict {
  /** Best true minus false positive rate over all thresholds (1 = the attack always succeeds). */
  advantage: number;
  /** Largest excess of the true positive rate over the bound at its false positive rate, with the
   * rates moved 4 standard errors in the attacker's favour's opposite; > 0 means the guarantee fails. */
  excess: number;
  /** Where that excess is largest. */
  worst: { fpr: number; tpr: number; bound: number };
  /** The best true positive rate of a test wrong at most 5 % of the time, and what the bound allows there. */
  tprAt5: number;
  boundAt5: number;
}

/**
 * Every threshold test "H1 when score ≥ t" (and its mirror "H1 when score < t"), checked against
 * TPR ≤ min over ε of e^ε·FPR + δ(ε): the guarantee of ρ-zCDP plus `extraDelta`.
 */
export function judgeAttack(
  h0: readonly number[],
  h1: readonly number[],
  rho: number,
  extraDelta: number,
  /** For a deterministic publication (k-anonymity) the rates are exact: no sampling error. */
  deterministic = false,
): AttackVerdict {
  const z = deterministic ? 0 : 4;
  const bound = detectionCurve(rho, extraDelta);
  const thresholds = [...new Set([...h0, ...h1])].sort((a, b) => a - b);
  thresholds.push(Number.POSITIVE_INFINITY);
  let advantage = 0;
  let excess = Number.NEGATIVE_INFINITY;
  let worst = { fpr: 0, tpr: 0, bound: 0 };
  let tprAt5 = 0;
  for (const t of thresholds) {
    const fp = h0.filter((s) => s >= t).length;
    const tp = h1.filter((s) => s >= t).length;
    for (const [falses, trues] of [
      [fp, tp],
      [h0.length - fp, h1.length - tp],
    ] as const) {
      const fpr = falses / h0.length;
      const tpr = trues / h1.length;
      advantage = Math.max(advantage, tpr - fpr);
      if (fpr <= 0.05) tprAt5 = Math.max(tprAt5, tpr);
      const fprHigh = wilson(falses, h0.length, z, true);
      const tprLow = wilson(trues, h1.length, z, false);
      const allowed = bound(fprHigh);
      if (tprLow - allowed > excess) {
        excess = tprLow - allowed;
        worst = { fpr, tpr, bound: allowed };
      }
    }
  }
  return { advantage, excess, worst, tprAt5, boundAt5: bound(0.05) };
}
