/** Crash-free installs per version, top failure signatures and install failures of one day. */
import {
  OTHER,
  UNKNOWN,
  type DayAggregate,
  type VersionReliability,
} from '../../../shared/aggregate.ts';
import type { Failure } from '../../../shared/schema/event.ts';
import { Tally } from './anonymity.ts';
import type { ExactDay } from './exact.ts';

/** What identifies a failure across installs: its code, or where it happened. */
export function failureSignature(failure: Failure | undefined): string {
  if (failure?.code) return failure.code;
  const place = failure?.file
    ? `${failure.file}${failure.line === undefined ? '' : `:${failure.line}`}`
    : undefined;
  const parts = [failure?.program, failure?.function, place].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(' ') : UNKNOWN;
}

/** The reliability section of the day, k-folded, from its exact tallies. */
export function publishReliability(exact: ExactDay, k: number): DayAggregate['reliability'] {
  const active = new Tally();
  const crashedActive = new Tally();
  const crashEvents = new Tally();
  const fatalEvents = new Tally();
  for (const [version, v] of exact.versions) {
    if (v.active.n > 0) active.add(version, v.active.n);
    if (v.crashed.n > 0) crashedActive.add(version, v.crashed.n);
    if (v.crashEvents > 0) crashEvents.add(version, v.crashEvents);
    if (v.fatalEvents > 0) fatalEvents.add(version, v.fatalEvents);
  }
  const installFailures = new Map<string, number>();
  for (const [code, t] of exact.installFailures) installFailures.set(code, t.n);
  return {
    versions: versionRows(active, crashedActive, crashEvents, fatalEvents, k),
    topFailures: [...exact.signatures]
      .filter(([, e]) => e.installs.n >= k)
      .map(([signature, e]) => ({ signature, installs: e.installs.n, events: e.events }))
      .sort(
        (a, b) =>
          b.installs - a.installs || b.events - a.events || a.signature.localeCompare(b.signature),
      )
      .slice(0, 20),
    installFailures: foldCodes(installFailures, k),
  };
}

/** Reporters per version (`active`), crashed ones among them, and crash events, k-folded. */
function versionRows(
  active: Tally,
  crashedActive: Tally,
  crashEvents: Tally,
  fatalEvents: Tally,
  k: number,
): VersionReliability[] {
  const rows = new Map<
    string,
    { active: number; crashed: number; crashEvents: number; fatalEvents: number }
  >();
  for (const [version, n] of active.counts) {
    const bucket = n >= k ? version : OTHER;
    const row = rows.get(bucket) ?? { active: 0, crashed: 0, crashEvents: 0, fatalEvents: 0 };
    row.active += n;
    row.crashed += crashedActive.get(version);
    rows.set(bucket, row);
  }
  for (const [version, n] of crashEvents.counts) {
    const row = rows.get(active.get(version) >= k ? version : OTHER);
    if (row) row.crashEvents += n;
  }
  for (const [version, n] of fatalEvents.counts) {
    const row = rows.get(active.get(version) >= k ? version : OTHER);
    if (row) row.fatalEvents += n;
  }
  return (
    [...rows]
      // A small "other" row would publish the crash figures of one or two installs.
      .filter(([version, r]) => version !== OTHER || r.active >= k)
      .map(([version, r]) => ({
        version,
        activeInstalls: r.active,
        crashedInstalls: r.crashed,
        crashFreeRate: Math.round((1 - r.crashed / r.active) * 10_000) / 10_000,
        crashEvents: r.crashEvents,
        fatalEvents: r.fatalEvents,
      }))
      .sort(
        (a, b) =>
          (a.version === OTHER ? 1 : 0) - (b.version === OTHER ? 1 : 0) ||
          b.activeInstalls - a.activeInstalls ||
          a.version.localeCompare(b.version),
      )
  );
}

function foldCodes(byCode: Map<string, number>, k: number): { code: string; installs: number }[] {
  const rows: { code: string; installs: number }[] = [];
  let other = 0;
  for (const [code, installs] of byCode) {
    if (installs >= k) rows.push({ code, installs });
    else other += installs;
  }
  rows.sort((a, b) => b.installs - a.installs || a.code.localeCompare(b.code));
  if (other > 0) rows.push({ code: OTHER, installs: other });
  return rows;
}
