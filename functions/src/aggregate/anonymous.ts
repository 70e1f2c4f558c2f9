/**
 * Reports without install identity (Clean Insights, a Netdata agent without a machine GUID):
 * each counts as one install on its own day, and nothing ties two of them together, so the
 * established-install rule cannot apply. The bound that fits them works on cohorts of identical
 * reports (same snapshot, same contribution): a cohort counts on a day at most as many reports as
 * it had on `establishedDays - 1` of the `identitylessBaselineDays` days before. A one-day flood
 * of any size counts nothing; a cohort that keeps reporting counts from its `establishedDays`-th
 * day, like an install; a cohort that shrinks counts what it sends.
 */
import type { DeploymentConfig } from '../../../shared/config.ts';
import { addDays, type Day } from '../../../shared/dates.ts';
import { publishedAttributes } from './breakdowns.ts';
import { addContribution, parseContribution } from './contribution.ts';
import { addHalves, halvesOf, tally, type Tally } from './digest.ts';
import { emptyExact, entry, hold, holdFailure, type ExactDay } from './exact.ts';
import type { Page } from './page.ts';
import { parseSnapshot } from './page.ts';
import { ProfileTable } from './profiles.ts';
import { quarantinedReport, type QuarantineIndex } from './quarantine.ts';

/** The cohorts of a page: `snapshot JSON \n contribution JSON` → reports. */
function cohortsOf(page: Page): Map<string, number> {
  const cohorts = new Map<string, number>();
  for (let i = 0; i + 2 < page.cohorts.length; i += 3) {
    const snapshot = page.snapshots[page.cohorts[i] as number] as string;
    const contribution = page.contribs[page.cohorts[i + 1] as number] as string;
    const key = `${snapshot}\n${contribution}`;
    cohorts.set(key, (cohorts.get(key) ?? 0) + (page.cohorts[i + 2] as number));
  }
  return cohorts;
}

/**
 * The most a cohort may count on a day: the `needed - 1`-th largest of its reports on each of the
 * `window` days before (a day without the cohort has 0). No bound when `needed` is 1.
 */
export function cohortBound(previous: readonly number[], needed: number, window: number): number {
  if (needed <= 1) return Number.POSITIVE_INFINITY;
  const counts = [...previous, ...new Array<number>(Math.max(0, window - previous.length)).fill(0)]
    .sort((a, b) => b - a)
    .slice(0, window);
  return counts[needed - 2] ?? 0;
}

/**
 * The tallies of the reports without identity for each of `days`, from the anonymous pages of
 * those days and of the `identitylessBaselineDays` before the first of them.
 */
export function anonymousHistory(
  pages: Map<Day, Page>,
  days: Day[],
  config: DeploymentConfig,
  quarantine?: QuarantineIndex,
): Map<Day, ExactDay> {
  const result = new Map<Day, ExactDay>();
  const { establishedDays, identitylessBaselineDays: window } = config.screening;
  const learn = config.screening.releasedVersions === undefined;
  const attributes = publishedAttributes(config);
  const table = new ProfileTable(config);
  const cohortsByDay = new Map<Day, Map<string, number>>();
  const cohorts = (day: Day) => {
    let found = cohortsByDay.get(day);
    if (!found) {
      const page = pages.get(day);
      found = page ? cohortsOf(page) : new Map<string, number>();
      cohortsByDay.set(day, found);
    }
    return found;
  };
  for (const day of days) {
    const exact = emptyExact(day);
    const before = Array.from({ length: window }, (_, i) => cohorts(addDays(day, -(i + 1))));
    for (const [key, reports] of cohorts(day)) {
      const cut = key.indexOf('\n');
      const snapshotJson = key.slice(0, cut);
      const contribution = parseContribution(key.slice(cut + 1));
      const id = table.id(snapshotJson);
      // A stand-in digest for the cohort's reports: it changes whenever the cohort or its count
      // does, which is what a digest is for; reports carry no id of an install to XOR.
      const digest = (n: number): Tally => {
        const t = tally();
        const [hi, lo] = halvesOf(`anonymous\n${day}\n${key}\n${n}`);
        addHalves(t, hi, lo, n);
        return t;
      };
      if (contribution.i === 1) {
        const all = digest(reports);
        addHalves(exact.newInstalls, all.hi, all.lo, all.n);
        addHalves(
          entry(exact.screening.newProfiles, table.cohort(id), tally),
          all.hi,
          all.lo,
          all.n,
        );
      }
      const reason = table.impossible(id)
        ? 'impossible-profile'
        : quarantinedReport(quarantine, parseSnapshot(snapshotJson), day)
          ? 'quarantined'
          : !table.released(id)
            ? 'unknown-version'
            : undefined;
      // Each report's events within the event bound, as any unit's (clip.ts).
      const events = Math.min(contribution.e, config.privacy.eventClip);
      if (reason) {
        hold(exact.screening, reason, digest(reports), reports * events);
        continue;
      }
      const bound = cohortBound(
        before.map((m) => m.get(key) ?? 0),
        establishedDays,
        window,
      );
      const counted = Math.min(reports, bound);
      if (counted < reports) {
        const held = digest(reports - counted);
        hold(exact.screening, 'identityless-cap', held, (reports - counted) * events);
        holdFailure(exact.screening, contribution.x, held);
      }
      if (counted === 0) continue;
      const t = digest(counted);
      const version = table.version(id);
      const target = learn ? entry(exact.provisional, version, () => emptyExact(day)) : exact;
      // Each report is an install active on its own day only: in d1, d7 and d28 of that day.
      addHalves(target.d1, t.hi, t.lo, t.n);
      addHalves(target.d7, t.hi, t.lo, t.n);
      addHalves(target.d28, t.hi, t.lo, t.n);
      for (const [name, value] of table.breakdownValues(id, attributes))
        addHalves(
          entry(
            entry(target.breakdowns, name, () => new Map()),
            value,
            tally,
          ),
          t.hi,
          t.lo,
          t.n,
        );
      // Every report of a cohort sends the same: the cohort's key picks for all of them.
      addContribution(target, version, contribution, t, config, key);
    }
    result.set(day, exact);
  }
  return result;
}
