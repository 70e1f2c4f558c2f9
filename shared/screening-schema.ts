/**
 * The `screening` section of homecall.config.ts: what counts toward the published figures
 * (established installs, reports without identity, plausibility, anomaly flags, the opt-in proof
 * of work, the bound on failed installs of installs not established). The configuration's schema
 * (`config-schema.ts`) embeds it; the zod-free helpers the site and the aggregation share are in
 * `screening.ts`.
 */
import { z } from 'zod';
import { PROFILE_FIELDS, type ProfileField } from './screening.ts';
import { PRODUCT_SHAPES, fitsShape } from './schema/shapes.ts';

/** The hardest proof of work agent.sh can find within seconds on a small machine. */
export const MAX_PROOF_DIFFICULTY = 24;

const profileValue = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._+~-]+$/, 'a value such as macos, x86_64 or Linux');

/** A profile: some snapshot fields with the value each must have (compared case-insensitively). */
const profileSchema = z
  .strictObject(
    Object.fromEntries(PROFILE_FIELDS.map((f) => [f, profileValue.optional()])) as Record<
      ProfileField,
      z.ZodOptional<typeof profileValue>
    >,
  )
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'a profile names a field at least');

/** A released version, or a prefix of released versions ending in `*` (`1.6.*`). */
const releasedVersion = z
  .string()
  .trim()
  .min(1)
  .max(PRODUCT_SHAPES.version.max)
  .refine(
    (v) => fitsShape(PRODUCT_SHAPES.version, v.endsWith('*') ? `${v.slice(0, -1)}0` : v),
    'a version such as 1.6.0, or a prefix ending in * such as 1.6.*',
  );

const ratio = z.number().gt(1).max(1000);

/** When the daily merge flags a day (functions/src/aggregate/anomaly.ts). */
export const anomalySchema = z
  .strictObject({
    /** Days before the flagged one whose published figures make the baseline (their median). */
    baselineDays: z.int().min(1).max(90),
    /** Fewer published days than this before a day: no baseline, no flag. */
    minBaselineDays: z.int().min(1).max(90),
    /** A figure above this many times its baseline is a jump. */
    jumpRatio: ratio,
    /** A figure above this many times its baseline is a jump when one profile carries it. */
    concentratedRatio: ratio,
    /** Share of the rise above the baseline one profile must carry for the second rule. */
    profileShare: z.number().gt(0).max(1),
    /** A rise of fewer installs than this above the baseline is never flagged (small fleets). */
    minJump: z.int().min(1).max(1_000_000),
  })
  .refine((a) => a.minBaselineDays <= a.baselineDays, {
    message: 'must be at most baselineDays',
    path: ['minBaselineDays'],
  })
  .refine((a) => a.concentratedRatio <= a.jumpRatio, {
    message: 'must be at most jumpRatio (a concentrated rise is the weaker signal)',
    path: ['concentratedRatio'],
  });

/** Every rule of what counts toward the published figures. */
export const screeningSchema = z.strictObject({
  /**
   * Distinct days with a consistent profile before an install counts toward actives,
   * breakdowns, upgrades and reliability (within the install memory). 1 turns the rule off.
   */
  establishedDays: z.int().min(1).max(28),
  /**
   * Days of reports without identity a cohort's baseline looks back over: a cohort of identical
   * reports counts on a day at most as many as it had on `establishedDays - 1` of these days.
   */
  identitylessBaselineDays: z.int().min(1).max(28),
  /**
   * Released versions (an entry ending in `*` is a prefix). Absent: versions are learned, and a
   * version is known on a day when an established install reports it (28-day window).
   */
  releasedVersions: z.array(releasedVersion).min(1).max(1000).optional(),
  /** Profiles no real install has (an OS on a kernel or CPU it never runs on): held out. */
  impossibleProfiles: z.array(profileSchema).max(200),
  anomaly: anomalySchema,
  proofOfWork: z.strictObject({
    /** Leading zero bits the SHA-256 of a proof must have; 0 turns proofs off. */
    difficulty: z
      .int()
      .min(0)
      .max(
        MAX_PROOF_DIFFICULTY,
        `at most ${MAX_PROOF_DIFFICULTY}: agent.sh must find a proof within seconds on a small machine`,
      ),
  }),
  /**
   * Failed installs of installs not established (one-shot installer runs never become
   * established): published as their own series, each install once a day, and at most this many
   * a day, so a flood of fake failures moves the series by this much at most. 0 publishes none.
   */
  unestablishedInstallFailuresPerDay: z.int().min(0).max(1_000_000),
});

/** The screening rules, validated. */
export type ScreeningConfig = z.output<typeof screeningSchema>;
/** When the daily merge flags a day. */
export type AnomalyConfig = ScreeningConfig['anomaly'];
