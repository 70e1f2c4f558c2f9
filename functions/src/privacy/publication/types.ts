/**
 * The exact figures the aggregation hands to the publication: counts and mergeable histograms.
 * Every figure carries the digest of its contributors (see digest.ts), so the noise it gets is
 * tied to exactly who is behind it. Partials of shards merge by key: installs and sums add,
 * digests XOR.
 */
import type { Day } from '../../../../shared/dates.ts';

/** A count of installs (or reports) with the digest of who they are. */
export interface ExactCount {
  count: number;
  digest: string;
}

/** One bucket of a histogram: the installs with one value, their digest, and clipped sums. */
export interface ExactBucket {
  key: string;
  installs: number;
  digest: string;
  /** Sums over those installs, each already clipped per install (clip.ts). */
  sums?: Readonly<Record<string, number>>;
}

/** Separates "from" and "to" in the key of an upgrade bucket. */
export const UPGRADE_KEY_SEPARATOR = '\u0000';

/**
 * What the screening rules (established installs, plausibility, quarantine) decided on the day,
 * published apart from the figures above: none of these installs is in them.
 */
export interface ExactScreening {
  /** Installs that became established on the day. */
  newlyEstablished: ExactCount;
  /** Installs active on the day, and in the 28 days ending on it, not yet established. */
  pendingD1: ExactCount;
  pendingD28: ExactCount;
  /** Installs counted on the day thanks to a proof of work, before their days would count. */
  proven: ExactCount;
  /** New installs of the day by cohort profile; newly established ones by cohort profile. */
  newProfiles: ExactBucket[];
  establishedProfiles: ExactBucket[];
  /** Per reason held out: installs, `sums.reports` their events (within the event bound). */
  held: ExactBucket[];
  /** Failed installs of installs not established, by error code, each install once. */
  failures: ExactBucket[];
}

/** Everything one day's publication is computed from. */
export interface ExactDay {
  day: Day;
  activeInstalls: { d1: ExactCount; d7: ExactCount; d28: ExactCount };
  newInstalls: ExactCount;
  /** One bucket per event type sent: installs that sent it, `sums.events` their clipped events. */
  events: ExactBucket[];
  /** Per breakdown name (`version`, `attribute.<key>`, `module`, ...), one bucket per value. */
  breakdowns: Record<string, ExactBucket[]>;
  /** Keys `from + UPGRADE_KEY_SEPARATOR + to`. */
  upgrades: ExactBucket[];
  reliability: {
    /** Active installs per version; sums `crashedInstalls`, `crashEvents`, `fatalEvents`. */
    versions: ExactBucket[];
    /** Installs per failure signature; sum `events`. */
    failures: ExactBucket[];
    /** Installs per install-failure code. */
    installFailures: ExactBucket[];
  };
  counters: {
    /** Installs per counter group. */
    groups: ExactBucket[];
    /** Per group, installs per value; sum `sum` (clipped counts). */
    values: Record<string, ExactBucket[]>;
  };
  /** Absent for tallies from before the screening rules: then no screening figure is published. */
  screening?: ExactScreening;
}
