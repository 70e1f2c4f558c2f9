/**
 * Contribution bounding, applied by the aggregation to each install's figures of a day before
 * they are added up. The noise is calibrated to these bounds, so they are what makes one install's
 * influence on the published numbers provably small.
 */
import { createHash } from 'node:crypto';
import { EVENT_TYPES, type EventType } from '../../../../shared/schema/event.ts';

/**
 * Counts lowered so that they sum to at most `bound`, taking from the largest first (water
 * filling): the level L is the highest with Σ min(n, L) ≤ bound, and what is left of the bound
 * goes one each to the counts above L, in the given order. Small counts stay exact.
 */
export function clipTotal(entries: readonly [string, number][], bound: number): [string, number][] {
  const counts = entries.map(([key, n]): [string, number] => [key, Math.max(0, Math.floor(n))]);
  // Counts within the bound come out unchanged: the level is then the largest count.
  let lo = 0;
  let hi = Math.max(...counts.map(([, n]) => n));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const filled = counts.reduce((sum, [, n]) => sum + Math.min(n, mid), 0);
    // Stryker disable next-line EqualityOperator: equivalent; a level that fills the bound exactly, or the one below it with one more for each count above, give the same counts
    if (filled <= bound) lo = mid;
    else hi = mid - 1;
  }
  let left = bound - counts.reduce((sum, [, n]) => sum + Math.min(n, lo), 0);
  return counts.map(([key, n]) => {
    if (n <= lo) return [key, n];
    const extra = left > 0 ? 1 : 0;
    left -= extra;
    return [key, lo + extra];
  });
}

/** One install's events of a day by type, at most `bound` in all (`privacy.eventClip`). */
export function clipEventCounts(
  counts: Partial<Record<EventType, number>>,
  bound: number,
): Partial<Record<EventType, number>> {
  const entries = EVENT_TYPES.filter((t) => counts[t] !== undefined).map((t): [string, number] => [
    t,
    counts[t] ?? 0,
  ]);
  return Object.fromEntries(clipTotal(entries, bound)) as Partial<Record<EventType, number>>;
}

/** Hex digits of a rank (SHA-256). */
const RANK_LENGTH = 64;

/** A rank of `value` for one install that no one can predict without the install's id. */
function rank(salt: string, value: string): string {
  return createHash('sha256').update(`${salt}\u0000${value}`).digest('hex');
}

/**
 * At most `limit` of an install's values in a section where it can have several (modules,
 * failure signatures, install failure codes: `privacy.valuesPerInstall`). When it has more, the
 * kept ones are picked by a hash of the install's pseudonym (`salt`) and the value: the same on
 * every rerun, and with every value equally likely to be kept across installs (no bias towards
 * names early in the alphabet).
 */
export function boundValues(values: readonly string[], limit: number, salt: string): string[] {
  const unique = [...new Set(values)].sort();
  // A shortcut that spares the hashing: the ranked pick below would keep all of them too.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent; at or under the limit the ranked pick keeps every value, in the same order
  if (unique.length <= limit) return unique;
  // Every rank has the same length, so the rank in front orders by rank.
  return unique
    .map((value) => rank(salt, value) + value)
    .sort()
    .slice(0, limit)
    .map((ranked) => ranked.slice(RANK_LENGTH))
    .sort();
}

/**
 * One install's counters of a day (`<group>.<value>` → count), bounded: at most `maxGroups` groups
 * (`privacy.counterGroupsPerInstall`), at most `maxValues` values of those groups
 * (`privacy.counterValuesPerInstall`), both picked as boundValues picks them, and each count
 * clipped at `clip` (`privacy.counterClip`). Groups first: a group's install count then moves by
 * at most one for at most `maxGroups` groups, whatever the values.
 */
export function clipCounters(
  counters: Readonly<Record<string, number>>,
  clip: number,
  maxValues: number,
  maxGroups: number,
  salt: string,
): Record<string, number> {
  const keys = Object.keys(counters);
  const groups = new Set(boundValues(keys.map(groupOf), maxGroups, `${salt}\u0000groups`));
  const kept = boundValues(
    keys.filter((key) => groups.has(groupOf(key))),
    maxValues,
    salt,
  );
  const clipped: Record<string, number> = {};
  for (const key of kept)
    clipped[key] = Math.min(clip, Math.max(0, Math.floor(counters[key] ?? 0)));
  return clipped;
}

/** The group of a counter key `<group>.<value>` (as splitCounterKey reads it; keys hold a dot). */
function groupOf(key: string): string {
  return key.slice(0, key.indexOf('.'));
}

/**
 * One install's crash and fatal events of a day by failure signature, bounded like its other
 * figures: at most `limit` signatures, and their events summing to at most `bound` (its clipped
 * crash and fatal events from clipEventCounts).
 */
export function clipSignatureEvents(
  eventsBySignature: Readonly<Record<string, number>>,
  bound: number,
  limit: number,
  salt: string,
): Record<string, number> {
  const kept = boundValues(Object.keys(eventsBySignature), limit, salt);
  const entries = kept.map((s): [string, number] => [s, eventsBySignature[s] ?? 0]);
  return Object.fromEntries(clipTotal(entries, bound));
}
