/**
 * The screening rules at the merge, where the whole day is known: reporters that wait for their
 * version to be known (versions learned: reports without identity and installs counted by a
 * proof of work) are counted or held out.
 */
import { UNKNOWN } from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import { fromTallies } from './publication-input.ts';
import { createNoiseSource } from '../privacy/publication/noise.ts';
import { planFor } from '../privacy/publication/publish.ts';
import { knownVersions } from '../privacy/publication/screening.ts';
import { addExact, hold, type ExactDay } from './exact.ts';

/**
 * The versions established installs make known on a merged day: those of the day's version
 * breakdown (established installs active in the 28 days ending on it) whose noisy count reaches
 * the threshold of `screening.knownVersions`. Noisy, so one install cannot decide alone whether
 * a whole waiting cohort counts.
 */
export function learnedVersions(
  exact: ExactDay,
  config: DeploymentConfig,
  secret: string,
): Set<string> {
  const versions = fromTallies(exact).breakdowns.version ?? [];
  // Each version's noise is tied to its own bucket's data alone (its count and the digest of its
  // installs): whatever else the day holds (a flood of new ids, another version's installs), the
  // same established installs of a version decide the same. The decision is made once, for the
  // day's one publication (a published day is never republished), so it cannot be differenced.
  const noise = createNoiseSource(secret, exact.day, 'screening.knownVersions');
  return knownVersions(noise, planFor(config), versions);
}

/**
 * Settles the provisional reporters of a merged day (versions learned): reporters of a known
 * version (learnedVersions) are counted, the others are held out as `unknown-version`. With a
 * configured list the shards decided already and nothing waits.
 */
export function settleProvisional(exact: ExactDay, config: DeploymentConfig, secret: string): void {
  if (exact.provisional.size === 0) return;
  const known = learnedVersions(exact, config, secret);
  const waiting = [...exact.provisional];
  exact.provisional = new Map();
  for (const [version, day] of waiting) {
    // A reporter that names no version claims none: nothing to check.
    if (version === UNKNOWN || known.has(version)) addExact(exact, day);
    else hold(exact.screening, 'unknown-version', day.d1, day.reports);
  }
}
