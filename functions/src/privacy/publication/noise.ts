/**
 * Where each published number's noise comes from: a seed derived with HMAC-SHA256 from the
 * secret, the day, the query, the bucket and the exact data the number is computed from (its
 * count, sums and contributor digest) — and a fingerprint of the day's exact input. The
 * same data on the same day always draws the same noise, so a rerun publishes identical figures;
 * any change in the data — one late event, one erased install, even one install swapped for
 * another — draws independent noise, so two versions of a day never share noise that their
 * difference would cancel. The day's fingerprint makes that change re-draw every number of the
 * day, not only those of the buckets that changed: otherwise which numbers moved between two
 * versions would itself name the buckets of the install that arrived late or was erased.
 * Which input the fingerprint covers is publish.ts's choice (`noiseSources`): what is counted for
 * the counted figures, the whole day for the figures that say what was held out.
 */
import { createHash } from 'node:crypto';
import type { Day } from '../../../../shared/dates.ts';
import { hmacSha256 } from './hmac.ts';
import { RandomBits } from './prf.ts';
import { discreteGaussian, type Rational } from './sampler.ts';

/** Domain separation: the pseudonym key is never used directly as a noise key. */
const NOISE_CONTEXT = 'homecall/publication/noise/v1';

/** The exact data one noisy number is computed from. */
export interface NoiseMaterial {
  query: string;
  /** Bucket key, or the figure's name for a scalar. */
  key: string;
  /** Which figure of the bucket: "installs", a sum's name, or "other". */
  column: string;
  /** Canonical text of the exact data (count, sums, digest). */
  data: string;
}

/** Draws the noise of a day's numbers. */
export interface NoiseSource {
  /** Discrete Gaussian noise with variance parameter σ², fixed by the material. */
  draw(material: NoiseMaterial, sigma2: Rational): number;
}

/** Length-prefixed fields: no two different field lists encode to the same bytes. */
function encode(fields: string[]): string {
  return fields.map((f) => `${f.length}:${f}`).join('');
}

/**
 * JSON with object keys sorted and arrays in a canonical order: equal data, equal text. Both sorts
 * are the default one (UTF-16 code-unit order).
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    const items = value.map((item) => canonical(item)).sort();
    return `[${items.join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A digest of everything a day's publication is computed from, whatever the order of its parts. */
export function fingerprintOf(exact: unknown): string {
  return createHash('sha256').update(canonical(exact)).digest('hex');
}

/** The noise source of `day` under `secret`, for the day's exact input with `fingerprint`. */
export function createNoiseSource(secret: string, day: Day, fingerprint: string): NoiseSource {
  if (secret.length === 0) throw new Error('the publication needs the HMAC secret');
  const dayKey = hmacSha256(secret, encode([NOISE_CONTEXT, day, fingerprint]));
  return {
    draw(material, sigma2) {
      const seed = hmacSha256(
        dayKey,
        encode([material.query, material.key, material.column, material.data]),
      );
      const value = discreteGaussian(new RandomBits(seed), sigma2);
      return Number(value);
    },
  };
}
