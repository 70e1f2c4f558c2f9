/**
 * What a deployment's configuration (homecall.config.ts at the repository root) may say, and
 * the validation every reader runs before using it: the functions when they start, the
 * aggregation, the site build, `npm start` and `npm run deploy`. A bad value stops each of them
 * with a message that names the field.
 */
import { z } from 'zod';
import {
  attributeKeySchema,
  attributeSpecSchema,
  counterGroupKeySchema,
  counterGroupSpecSchema,
} from './figures.ts';
import { screeningSchema } from './screening-schema.ts';

import { COMPAT_FORMATS } from './generated/compat-formats.ts';

/**
 * The compat wire formats a deployment can accept besides the canonical `/v1/events`: the
 * switches the wire-format entries name (functions/src/formats/), listed by `npm run schema`.
 */
export { COMPAT_FORMATS };
/** One compat wire format. */
export type CompatFormat = (typeof COMPAT_FORMATS)[number];

/**
 * The smallest k a deployment may publish with. Below it a bucket of 2–4 installs is published
 * as such, and anyone who knows a few of them can tell what the rest run.
 */
export const MIN_K_ANONYMITY = 5;
/** Install records must outlive the 28-day active window, or d28 and breakdowns undercount. */
export const MIN_INSTALL_RETENTION_DAYS = 28;

const title = z.string().trim().min(1).max(60);
const siteUrl = z
  .url({
    protocol: /^https?$/,
    hostname: /^(localhost|127\.0\.0\.1|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/i,
    error: 'an http(s) address such as https://stats.example.org',
  })
  .refine((url) => !/[?#]/.test(url), 'the site URL has no query or fragment')
  .refine(
    (url) => url.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)(:|\/|$)/.test(url),
    'the site URL must use https (http only for localhost)',
  )
  .transform((url) => url.replace(/\/+$/, ''));

/**
 * Differential privacy of the published figures (shared/privacy.ts turns these into the
 * guarantee; the privacy page states it). The privacy unit is one install; (ε, δ) are per day's
 * release, and every bound limits what one install can add to a day's figures.
 */
export const privacySchema = z.strictObject({
  /** ε of one day's published figures. */
  epsilon: z
    .number()
    .gt(0, 'must be more than 0')
    .max(50, 'must be at most 50: beyond it the noise protects no one'),
  /** δ of one day's published figures (half for the noise, half for the bucket thresholds). */
  delta: z
    .number()
    .gt(0, 'must be more than 0')
    .max(1e-3, 'must be at most 0.001: δ is the chance the guarantee fails outright'),
  /** Events of one install counted per day, all types together. */
  eventClip: z.int().min(1).max(1000),
  /** Largest count of one counter value taken from one install on a day. */
  counterClip: z.int().min(1).max(1_000_000_000),
  /** Values one install counts per day where it can have several: modules, failure signatures, install failure codes. */
  valuesPerInstall: z.int().min(1).max(500),
  /** Counter values one install counts per day. */
  counterValuesPerInstall: z.int().min(1).max(500),
  /** Counter groups one install counts per day (its values come from these groups only). */
  counterGroupsPerInstall: z.int().min(1).max(500),
  /**
   * Smoothing over time of the window figures (d7, d28, breakdowns): the weight α of the day's own
   * noisy value against the day before's published one (post-processing: no privacy cost), or
   * false to publish each day's figures alone.
   */
  smoothingAlpha: z.union([
    z.literal(false),
    z
      .number()
      .gt(0, 'must be more than 0 (or false for no smoothing)')
      .lt(1, 'must be less than 1: 1 is no smoothing, written false'),
  ]),
});

/** The validated configuration; `homecall.config.ts` is checked against this schema. */
export const deploymentConfigSchema = z
  .strictObject({
    productName: title,
    siteName: title,
    siteUrl,
    region: z
      .string()
      .regex(/^[a-z]+-[a-z]+\d+$/, 'a Cloud Functions region such as us-central1 or europe-west1'),
    maxInstances: z.int().min(1).max(1000),
    kAnonymity: z
      .int()
      .max(1000)
      .min(
        MIN_K_ANONYMITY,
        `must be at least ${MIN_K_ANONYMITY}: with fewer, a published bucket of a handful of installs singles them out`,
      ),
    eventRetentionDays: z.int().min(7).max(3650),
    installRetentionDays: z
      .int()
      .max(3650)
      .min(
        MIN_INSTALL_RETENTION_DAYS,
        `must be at least ${MIN_INSTALL_RETENTION_DAYS}: the 28-day active window needs installs remembered that long`,
      ),
    lateArrivalHours: z.int().min(0).max(168),
    clockSkewMinutes: z.int().min(0).max(60),
    aggregation: z.strictObject({
      /**
       * Events one shard task is sized for: a day of N events runs in about N / this shard tasks
       * (a power of two, at most 256). A shard holds one bucket of installs at a time, so its
       * memory does not grow with this.
       */
      eventsPerShard: z.int().min(1).max(100_000_000),
      /** Shard tasks Cloud Tasks runs at once. */
      shardParallelism: z.int().min(1).max(256),
    }),
    /** Differential privacy of every published figure (ε, δ per day, contribution bounds). */
    privacy: privacySchema,
    /** Attribute keys agents may send, each with its figure description (shared/figures.ts). */
    attributes: z.record(attributeKeySchema, attributeSpecSchema),
    /** Counter groups with their title, unit and description (shared/figures.ts). */
    counters: z.record(counterGroupKeySchema, counterGroupSpecSchema),
    compat: z.strictObject(
      Object.fromEntries(COMPAT_FORMATS.map((f) => [f, z.boolean()])) as Record<
        CompatFormat,
        z.ZodBoolean
      >,
    ),
    optOut: z.strictObject({
      wording: z.string().trim().min(1).max(600),
      environment: z
        .array(z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'an environment variable name'))
        .max(10),
      files: z.array(z.string().trim().min(1).max(200)).max(10),
    }),
    /**
     * What counts toward the published figures: established installs, reports without identity,
     * plausibility, anomaly flags, proof of work (shared/screening-schema.ts).
     */
    screening: screeningSchema,
  })
  .superRefine((config, ctx) => {
    // The daily run recomputes the late-arrival window from raw events: they must still exist.
    const lateDays = Math.ceil(config.lateArrivalHours / 24) + 1;
    if (config.eventRetentionDays <= lateDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['eventRetentionDays'],
        message: `must be more than ${lateDays} days: the daily run recomputes the late-arrival window (lateArrivalHours ${config.lateArrivalHours}) from raw events`,
      });
    }
    // A cohort of reports without identity counts once it reported on establishedDays - 1 of
    // these days before: with fewer days to look at, none ever would.
    const { establishedDays, identitylessBaselineDays } = config.screening;
    if (identitylessBaselineDays < establishedDays - 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['screening', 'identitylessBaselineDays'],
        message: `must be at least establishedDays - 1 (${establishedDays - 1}): a cohort of reports without identity counts once it reported on that many of these days`,
      });
    }
  });

/** What a maintainer writes in homecall.config.ts (before validation and defaults). */
export type DeploymentConfigInput = z.input<typeof deploymentConfigSchema>;
/** Everything a deployment decides, validated. */
export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;
/** The differential-privacy parameters of a deployment. */
export type PrivacyConfig = DeploymentConfig['privacy'];
/** One attribute key that agents may send. */
export type AttributeSpec = DeploymentConfig['attributes'][string];
/** Kind of value an allowed attribute may carry. */
export type AttributeKind = AttributeSpec['kind'];
/** How one counter group is titled on the site. */
export type CounterGroupSpec = DeploymentConfig['counters'][string];
/** What counts toward the published figures. */
export type ScreeningConfig = DeploymentConfig['screening'];

/** A configuration that failed validation; the message lists every bad field. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(message: string) {
    super(message);
    // The stack would point into zod; the message is what a maintainer needs.
    this.stack = `${this.name}: ${message}`;
  }
}

/** Validates a configuration, throwing a ConfigError that names each bad field. */
export function parseDeploymentConfig(
  raw: unknown,
  source = 'homecall.config.ts',
): DeploymentConfig {
  const parsed = deploymentConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(the whole file)';
    // A bad record key nests the reason; say it instead of "Invalid key in record".
    const nested = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
    return `  - ${field}: ${nested ?? issue.message}`;
  });
  throw new ConfigError(
    `${source} is invalid:\n${lines.join('\n')}\nFix the field(s) above in ${source}; nothing was built, started or deployed.`,
  );
}
