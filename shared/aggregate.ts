/**
 * The public daily aggregate: what `days/{YYYY-MM-DD}` holds, what `GET /api/v1/days` answers,
 * and what the site draws. Only counts of installs and events; never a single install's values.
 */
import { z } from 'zod';
import type { DeploymentConfig } from './config-schema.ts';
import { MECHANISM } from './privacy.ts';
import { EVENT_TYPES } from './schema/event.ts';
import { HELD_REASONS } from './screening.ts';

const installCount = z.number().int().min(0);

export const activeInstallsSchema = z
  .strictObject({
    d1: installCount.describe('Distinct established installs with any event on the day.'),
    d7: installCount.describe(
      'Distinct established installs with any event in the 7 days ending on the day.',
    ),
    d28: installCount.describe(
      'Distinct established installs with any event in the 28 days ending on the day.',
    ),
  })
  .describe(
    'Active installs over windows ending on the day: only established installs (seen on enough distinct days with a consistent profile, or with a proof of work) and the bounded reports without identity count; see `established` and `heldOut`.',
  );

/** Figures of the aggregation run itself, kept beside the data, never mixed into it. */
export const aggregationRunSchema = z
  .strictObject({
    computedAt: z.iso.datetime().describe('When the day was last computed.'),
    documentsRead: installCount.describe('Firestore documents the run read for the day.'),
    documentsWritten: installCount.describe('Firestore documents the run wrote for the day.'),
  })
  .describe('How the day was computed; not part of the statistics.');

/**
 * The publication parameters a day was computed with, stamped on the day itself so the site and
 * the API say what the data was computed with rather than what the config says today.
 */
export const publicationSchema = z
  .strictObject({
    kAnonymity: z
      .number()
      .int()
      .min(1)
      .describe(
        'k: no bucket appeared with a noisy count below k (days with `privacy`); on days without, buckets backed by fewer installs were folded into "other".',
      ),
    eventRetentionDays: z.number().int().min(1).describe('Days raw events were kept.'),
    installRetentionDays: z
      .number()
      .int()
      .min(1)
      .describe(
        'Days an install was remembered after it was last seen (unseen longer, it counted as new).',
      ),
    lateArrivalHours: z
      .number()
      .int()
      .min(0)
      .describe('How late an event could arrive and still count for its own day.'),
    establishedDays: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'Distinct days an install had to be seen on before it counted (absent on days computed before it was recorded).',
      ),
  })
  .describe('The publication parameters the day was computed with.');

/** Names of the published breakdowns of the 28-day active installs. */
export const BREAKDOWNS = [
  'version',
  'channel',
  'installMethod',
  'os',
  'osVersion',
  'kernel',
  'arch',
  'virtualization',
  'container',
  'module',
] as const;

export { OTHER, UNKNOWN } from './values.ts';

const bucketSchema = z
  .strictObject({
    value: z.string().describe('The reported value, "other" (the values not shown) or "unknown".'),
    installs: installCount,
  })
  .describe('Installs sharing one value.');

export const upgradeSchema = z
  .strictObject({
    from: z.string().describe('Version on the previous active day.'),
    to: z.string().describe('Version on the day.'),
    installs: installCount.describe('Installs that made this move.'),
  })
  .describe('Installs that moved from one version to another on the day.');

export const versionReliabilitySchema = z
  .strictObject({
    version: z.string().describe('The version, or "other" for the versions not shown.'),
    activeInstalls: installCount.describe('Installs of this version active on the day.'),
    crashedInstalls: installCount.describe('Of those, installs with a crash or fatal event.'),
    crashFreeRate: z.number().min(0).max(1).describe('1 - crashedInstalls / activeInstalls.'),
    crashEvents: installCount.describe('Crash events of this version on the day.'),
    fatalEvents: installCount.describe('Fatal events of this version on the day.'),
  })
  .describe('Reliability of one version on the day.');

export const failureSignatureSchema = z
  .strictObject({
    signature: z.string().describe('Error code, else "program function file:line".'),
    installs: installCount.describe('Installs that reported it on the day.'),
    events: installCount.describe('Events with this signature on the day.'),
  })
  .describe(
    'A failure shown on the day: its noisy count of installs reached the threshold (at least k installs on days published before differential privacy).',
  );

export const counterGroupSchema = z
  .strictObject({
    group: z.string().describe('Counter group, e.g. os.'),
    installs: installCount.describe('Installs that reported the group on the day.'),
    sum: z.number().min(0).describe('Sum of all their counts.'),
    values: z.array(
      z
        .strictObject({
          value: z.string().describe('Counter value, or "other".'),
          installs: installCount.describe('Installs that reported it.'),
          sum: z.number().min(0).describe('Sum of their counts.'),
        })
        .describe('One counter value of the group.'),
    ),
  })
  .describe(
    'A counter group (LibreNMS-style facts), shown when its noisy count of installs reaches the threshold (at least k installs on days published before differential privacy).',
  );

const positiveInteger = z.number().int().min(1);

export const publicationPrivacySchema = z
  .strictObject({
    mechanism: z
      .literal(MECHANISM)
      .describe(
        'Discrete Gaussian noise on every number, accounted in zero-concentrated differential privacy; buckets appear above a noisy threshold.',
      ),
    epsilon: z
      .number()
      .positive()
      .max(50)
      .describe(
        "ε of this day's figures: (ε, δ)-differential privacy with one install as the unit.",
      ),
    delta: z.number().positive().max(0.001).describe("δ of this day's figures."),
    rho: z
      .number()
      .positive()
      .describe('The same budget as ρ-zCDP; ρ adds up over the days an install is counted in.'),
    eventClip: positiveInteger.describe(
      'Events of one install counted per day, all types together.',
    ),
    counterClip: positiveInteger.describe(
      'Largest count of one counter value taken from one install.',
    ),
    valuesPerInstall: positiveInteger.describe(
      'Modules, failure signatures or install failure codes one install counts per day.',
    ),
    counterValuesPerInstall: positiveInteger.describe('Counter values one install counts per day.'),
    counterGroupsPerInstall: positiveInteger
      .optional()
      .describe(
        'Counter groups one install counts per day (absent on days published before the bound existed: then as many as its counter values).',
      ),
    smoothingAlpha: z
      .union([z.literal(false), z.number().gt(0).lt(1)])
      .optional()
      .describe(
        "Smoothing over time of the window figures (d7, d28, every breakdown): a value published on this day and the day before is published as α · the day's noisy value + (1 − α) · the day before's published value (post-processing of published figures, no privacy cost; a value growing by g a day lags by about g · (1 − α) / α). false: none. Absent on days published before it existed (none).",
      ),
    smoothedWith: z.iso
      .date()
      .optional()
      .describe(
        'The published day before whose window figures were blended in; absent when every figure is the day’s own (no published day before, or no smoothing).',
      ),
    noise: z
      .record(
        z.string().max(128),
        z.strictObject({
          sigma: z.number().positive().describe('Standard deviation of the noise.'),
          threshold: z
            .number()
            .int()
            .min(1)
            .optional()
            .describe('Smallest noisy install count with which a bucket appears.'),
        }),
      )
      .describe(
        'Noise of each published query (breakdowns: every single-valued breakdown). About 95 % of published values lie within 2σ of the exact count.',
      ),
  })
  .describe('The differential-privacy parameters this day was published with.');

const profileBuckets = z
  .array(bucketSchema)
  .describe(
    'By cohort profile `version=…,os=…,arch=…,kernel=…` (what `npm run quarantine -- --profile` takes), noisy: a profile appears when its noisy count reaches the threshold, the rest is "other" (they add up to the figure).',
  );

export const establishedSchema = z
  .strictObject({
    minDays: z
      .number()
      .int()
      .min(1)
      .describe('Distinct days with a consistent profile an install needed to count on this day.'),
    newlyEstablished: installCount.describe(
      'Installs that became established on the day (noisy): they count in every figure from this day on.',
    ),
    pending: z
      .strictObject({
        d1: installCount.describe('Installs active on the day, not yet established.'),
        d28: installCount.describe(
          'Installs active in the 28 days ending on the day, not established as of their last day.',
        ),
      })
      .describe(
        'Installs waiting to be established (noisy): in none of activeInstalls, breakdowns, upgrades or reliability.',
      ),
    proven: installCount.describe(
      'Installs counted on the day thanks to a proof of work, before their days would count.',
    ),
    newInstallProfiles: profileBuckets,
    newlyEstablishedProfiles: profileBuckets,
  })
  .describe(
    'New and not yet established installs, published apart from the actives, every number noisy: a flood of made-up ids shows here and nowhere else.',
  );

export const heldOutSchema = z
  .strictObject({
    reports: installCount.describe(
      "Events of the day held out of every figure, each install's within the event bound (noisy).",
    ),
    installs: installCount.describe(
      'Installs active on the day (a report without identity is one) held out of the figures.',
    ),
    reasons: z
      .array(
        z.strictObject({
          reason: z
            .enum(HELD_REASONS)
            .describe(
              'impossible-profile (an OS/CPU/kernel combination the deployment rules out), quarantined (a cohort a maintainer excluded), unknown-version (not a released or learned version), not-established (seen on too few days), identityless-cap (reports without identity above the recent days of their cohort).',
            ),
          reports: installCount,
          installs: installCount,
        }),
      )
      .describe(
        'Held out by reason, each count noisy (the totals add them up); an install is counted under the first reason that applies.',
      ),
  })
  .describe('What was held out of the figures of the day and why: noisy counts only.');

export const unestablishedInstallFailuresSchema = z
  .strictObject({
    installs: installCount.describe(
      'Installs not established whose installation failed on the day, each once (under its first error code), noisy, at most `cap`.',
    ),
    cap: installCount.describe('The most this series publishes for one day (the configuration).'),
    capped: z
      .boolean()
      .describe(
        'True when more installs than `cap` reported a failure: the codes were scaled down together to add up to `cap`.',
      ),
    codes: z
      .array(
        z.strictObject({
          code: z
            .string()
            .describe('Installer error code whose noisy count reached the threshold.'),
          installs: installCount,
        }),
      )
      .describe('By error code, most first.'),
  })
  .describe(
    'Failed installs of installs not established (one-shot installer runs never become established), published apart from reliability and bounded per day, so a flood of made-up failures moves them by `cap` at most.',
  );

export const ANOMALY_FIGURES = ['newInstalls', 'newlyEstablished', 'activeInstalls.d1'] as const;

export const anomalySchema = z
  .strictObject({
    reason: z.string().max(600).describe('Why the day is flagged, in a sentence or two.'),
    signals: z
      .array(
        z.strictObject({
          figure: z.enum(ANOMALY_FIGURES).describe('The figure that jumped.'),
          value: installCount.describe('Its published (noisy) value on the day.'),
          baseline: z
            .number()
            .min(0)
            .describe('The median of its published values on the days before.'),
          rule: z
            .enum(['jump', 'concentrated'])
            .describe(
              'jump: far above the baseline; concentrated: above it, most of the rise in one profile.',
            ),
          profile: z
            .string()
            .max(300)
            .optional()
            .describe('The profile carrying most of the rise, as `--profile` takes it.'),
          profileShare: z
            .number()
            .min(0)
            .max(1)
            .optional()
            .describe('Share of the rise that profile carries, from the published profiles.'),
        }),
      )
      .min(1),
  })
  .describe(
    'Present when new or established installs jumped far above their trailing baseline: the figures may include made-up installs. Judged from published (noisy) figures alone.',
  );

export const dayAggregateSchema = z
  .strictObject({
    day: z.iso.date().describe('The UTC day, YYYY-MM-DD.'),
    final: z.boolean().describe('False while late events may still change the day.'),
    activeInstalls: activeInstallsSchema,
    newInstalls: installCount.describe(
      'Installs first seen on the day, established or not (reports without identity: install reports). Published apart from the actives: a flood of made-up ids moves this figure and is flagged, but moves no other.',
    ),
    optOuts: installCount.describe('Opt-out events received on the day.'),
    events: z
      .partialRecord(z.enum(EVENT_TYPES), installCount)
      .describe('Events received on the day, by type.'),
    breakdowns: z
      .record(z.string(), z.array(bucketSchema))
      .describe(
        'Installs active in the 28 days ending on the day, by version, platform, module and published attributes (attribute.<key>).',
      ),
    upgrades: z.array(upgradeSchema).describe('Version moves seen on the day.'),
    reliability: z
      .strictObject({
        versions: z.array(versionReliabilitySchema),
        topFailures: z.array(failureSignatureSchema),
        installFailures: z
          .array(
            z.strictObject({
              code: z.string().describe('Installer error code, or "other".'),
              installs: installCount.describe('Installs whose installation failed with it.'),
            }),
          )
          .describe('Failed installations of the day by error code.'),
      })
      .describe('Crash-free installs per version, top failures and install failures of the day.'),
    counters: z.array(counterGroupSchema).describe('Counter groups shown on the day.'),
    privacy: publicationPrivacySchema
      .optional()
      .describe(
        'Present when the figures were published with differential privacy: every number is then noisy, and these are its parameters.',
      ),
    established: establishedSchema.optional(),
    heldOut: heldOutSchema.optional(),
    unestablishedInstallFailures: unestablishedInstallFailuresSchema.optional(),
    anomaly: anomalySchema.optional(),
    run: aggregationRunSchema,
    publication: publicationSchema
      .optional()
      .describe(
        'The publication parameters the day was computed with (absent on days computed before they were recorded).',
      ),
    demo: z
      .literal(true)
      .optional()
      .describe(
        'Present only on days of the simulated demo fleet of a local run; a deploy refuses them.',
      ),
  })
  .describe('Public statistics of one UTC day.');

export type Bucket = z.infer<typeof bucketSchema>;
export type Upgrade = z.infer<typeof upgradeSchema>;
export type VersionReliability = z.infer<typeof versionReliabilitySchema>;
export type CounterGroup = z.infer<typeof counterGroupSchema>;

export type PublicationPrivacy = z.infer<typeof publicationPrivacySchema>;
export type ActiveInstalls = z.infer<typeof activeInstallsSchema>;
export type EstablishedFigures = z.infer<typeof establishedSchema>;
export type HeldOut = z.infer<typeof heldOutSchema>;
export type Anomaly = z.infer<typeof anomalySchema>;
export type AnomalySignal = Anomaly['signals'][number];
export type DayAggregate = z.infer<typeof dayAggregateSchema>;
export type AggregationRun = z.infer<typeof aggregationRunSchema>;
export type Publication = z.infer<typeof publicationSchema>;

/** The parameters of `config` that decide what a day publishes, as stamped on the day. */
export function publicationOf(config: DeploymentConfig): Publication {
  return {
    kAnonymity: config.kAnonymity,
    eventRetentionDays: config.eventRetentionDays,
    installRetentionDays: config.installRetentionDays,
    lateArrivalHours: config.lateArrivalHours,
    establishedDays: config.screening.establishedDays,
  };
}
