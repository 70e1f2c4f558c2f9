/**
 * What counts toward the published figures (poisoning resistance without addresses): the rule
 * that makes an install established, the bound on reports without identity, the plausibility
 * rules, the anomaly flags and the opt-in proof of work. The values are the `screening` section of
 * homecall.config.ts (validated by `screening-schema.ts`); this module is zod-free, so the site's
 * browser code may import it.
 */

/** Fields of an install's snapshot a profile may name (`--profile os=debian,arch=x86_64`). */
export const PROFILE_FIELDS = [
  'version',
  'channel',
  'installMethod',
  'os',
  'osVersion',
  'kernel',
  'kernelVersion',
  'arch',
  'virtualization',
  'container',
] as const;

/**
 * Why a report or an install is held out of a day's published figures, in the order the rules
 * are applied (an install held for one reason is not counted again under a later one).
 */
export const HELD_REASONS = [
  'impossible-profile',
  'quarantined',
  'unknown-version',
  'not-established',
  'identityless-cap',
] as const;

/** A reason a report or an install is held out. */
export type HeldReason = (typeof HELD_REASONS)[number];

/** A field a profile may name. */
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** Values of some snapshot fields; a snapshot matches when every one listed is equal. */
export type ProfileMatch = Partial<Record<ProfileField, string>>;

/**
 * The fields whose change breaks an install's run of days: a real machine keeps its OS family,
 * CPU architecture and kernel name from one day to the next, a made-up id rarely does.
 */
export const CONSISTENT_FIELDS = ['os', 'arch', 'kernel'] as const;

/** The fields of the cohort profile anomaly flags name, in the order they are written. */
export const COHORT_FIELDS = ['version', 'os', 'arch', 'kernel'] as const;

/** A snapshot's value of a profile field as a profile compares it (case-insensitive). */
function norm(value: string | undefined): string {
  return (value ?? 'unknown').toLowerCase();
}

/** Whether `values` (a snapshot's fields) has every value `profile` lists. */
export function matchesProfile(
  values: Partial<Record<ProfileField, string | undefined>>,
  profile: ProfileMatch,
): boolean {
  for (const field of PROFILE_FIELDS) {
    const wanted = profile[field];
    if (wanted !== undefined && norm(values[field]) !== norm(wanted)) return false;
  }
  return true;
}

/** Whether `version` is one of the configured released versions (`*` ends a prefix). */
export function isReleased(version: string | undefined, released: readonly string[]): boolean {
  if (version === undefined) return false;
  return released.some((entry) =>
    entry.endsWith('*') ? version.startsWith(entry.slice(0, -1)) : version === entry,
  );
}

/** The cohort profile of a snapshot as flags and quarantines write it: `version=…,os=…,…`. */
export function cohortProfile(values: Partial<Record<ProfileField, string | undefined>>): string {
  return COHORT_FIELDS.map((field) => `${field}=${values[field] ?? 'unknown'}`).join(',');
}

/** A profile written `k=v,k=v` (the quarantine script's `--profile`), or the error in it. */
export function parseProfile(text: string): { profile: ProfileMatch } | { error: string } {
  const profile: ProfileMatch = {};
  const pairs = text.split(',').filter((p) => p.trim() !== '');
  if (pairs.length === 0) return { error: 'a profile lists at least one field=value' };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (eq < 1 || value === '') return { error: `"${pair}" is not field=value` };
    if (!(PROFILE_FIELDS as readonly string[]).includes(key))
      return { error: `unknown field "${key}"; fields: ${PROFILE_FIELDS.join(', ')}` };
    if (value.length > 128) return { error: `the value of ${key} is longer than 128 characters` };
    if (profile[key as ProfileField] !== undefined) return { error: `${key} is given twice` };
    profile[key as ProfileField] = value;
  }
  return { profile };
}

/** A profile written back as `k=v,…` in the order of PROFILE_FIELDS. */
export function formatProfile(profile: ProfileMatch): string {
  return PROFILE_FIELDS.filter((f) => profile[f] !== undefined)
    .map((f) => `${f}=${profile[f]}`)
    .join(',');
}
