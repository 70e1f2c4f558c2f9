/** Small exact days for tests of the publication module, with real contributor digests. */
import { createHash } from 'node:crypto';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig, type DeploymentConfig } from '../../shared/config.ts';
import type { PrivacyConfig } from '../../shared/config.ts';
import {
  digestOf,
  EMPTY_DIGEST,
  xorDigests,
} from '../../functions/src/privacy/publication/digest.ts';
import type { NoiseMaterial, NoiseSource } from '../../functions/src/privacy/publication/noise.ts';
import type { PublishedDay } from '../../functions/src/privacy/publication/publish.ts';
import type {
  ExactBucket,
  ExactCount,
  ExactDay,
} from '../../functions/src/privacy/publication/types.ts';

/** A pseudonym-like hex id of a named test install. */
export function installId(name: string): string {
  return createHash('sha256').update(`test-install:${name}`).digest('hex');
}

/** The digest of a set of named installs. */
export function digestOfInstalls(names: readonly string[]): string {
  return names.reduce((d, name) => xorDigests(d, digestOf(installId(name))), EMPTY_DIGEST);
}

/** Names `prefix-0` … `prefix-(n−1)`. */
export function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
}

/** A bucket backed by the named installs. */
export function bucketOf(
  key: string,
  installs: readonly string[],
  sums?: Record<string, number>,
): ExactBucket {
  const bucket: ExactBucket = {
    key,
    installs: installs.length,
    digest: digestOfInstalls(installs),
  };
  if (sums) bucket.sums = sums;
  return bucket;
}

/** A count of the named installs. */
export function countOf(installs: readonly string[]): ExactCount {
  return { count: installs.length, digest: digestOfInstalls(installs) };
}

/** An exact day with nothing in it but what `parts` sets. */
export function exactDay(day: string, parts: Partial<ExactDay> = {}): ExactDay {
  const none = countOf([]);
  return {
    day,
    activeInstalls: { d1: none, d7: none, d28: none },
    newInstalls: none,
    events: [],
    breakdowns: {},
    upgrades: [],
    reliability: { versions: [], failures: [], installFailures: [] },
    counters: { groups: [], values: {} },
    ...parts,
  };
}

/** The deployment config with some privacy parameters changed. */
export function configWith(privacy: Partial<PrivacyConfig>): DeploymentConfig {
  return { ...deploymentConfig, privacy: { ...deploymentConfig.privacy, ...privacy } };
}

/** A published day completed into a full day aggregate, for schema checks. */
export function asAggregate(day: string, published: PublishedDay): DayAggregate {
  return {
    day,
    final: true,
    ...published,
    run: { computedAt: '2026-01-01T00:00:00.000Z', documentsRead: 0, documentsWritten: 0 },
  };
}

/** A seeded PRNG (mulberry32) for test fleets: the same seed, the same fleet. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Noise of chosen values (`query|key|column` → draw; everything else 0) that records what it was asked. */
export function scriptedNoise(
  draws: Record<string, number> = {},
): NoiseSource & { asked: NoiseMaterial[] } {
  const asked: NoiseMaterial[] = [];
  return {
    asked,
    draw(material) {
      asked.push(material);
      return draws[`${material.query}|${material.key}|${material.column}`] ?? 0;
    },
  };
}
