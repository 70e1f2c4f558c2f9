/** The breakdown values of an install: what the 28-day breakdowns count it under. */
import { UNKNOWN } from '../../../shared/aggregate.ts';
import type { DeploymentConfig } from '../../../shared/config.ts';
import { bucketOf, type NumericBuckets } from '../../../shared/numeric-buckets.ts';
import type { InstallSnapshot } from '../model/stored.ts';

const KERNEL_VERSION = /^(\d+)\.(\d+)/;

/** `Linux 6.1` from kernel name `Linux` and version `6.1.0-18-amd64`. */
export function kernelBucket(snapshot: InstallSnapshot): string | undefined {
  const majorMinor = snapshot.kernelVersion ? KERNEL_VERSION.exec(snapshot.kernelVersion) : null;
  const version = majorMinor ? `${majorMinor[1]}.${majorMinor[2]}` : undefined;
  if (snapshot.kernel !== undefined && version !== undefined)
    return `${snapshot.kernel} ${version}`;
  return snapshot.kernel ?? version;
}

/** A published attribute: its key, the name of its breakdown and its buckets, if numeric. */
export type PublishedAttribute = [key: string, name: string, buckets?: NumericBuckets];

/** The published attributes: each key with the name of its breakdown and its buckets. */
export function publishedAttributes(config: DeploymentConfig): PublishedAttribute[] {
  return Object.entries(config.attributes)
    .filter(([, spec]) => spec.published)
    .map(([key, spec]) =>
      spec.buckets ? [key, `attribute.${key}`, spec.buckets] : [key, `attribute.${key}`],
    );
}

/**
 * The bucket an attribute value counts in: a bucketed number becomes its bucket's label (before
 * the k rule, so near values count together), anything else its text.
 */
export function attributeBucket(value: unknown, buckets: NumericBuckets | undefined): string {
  if (value === undefined || value === null) return UNKNOWN;
  if (buckets && typeof value === 'number' && Number.isFinite(value))
    return bucketOf(value, buckets);
  return String(value);
}

/**
 * Calls `visit` with each breakdown name and value one install contributes, in breakdown order.
 * It allocates nothing per install.
 */
export function forEachBreakdownValue(
  snapshot: InstallSnapshot,
  attributes: readonly PublishedAttribute[],
  visit: (name: string, value: string) => void,
): void {
  visit('version', snapshot.version ?? UNKNOWN);
  visit('channel', snapshot.channel ?? UNKNOWN);
  visit('installMethod', snapshot.installMethod ?? UNKNOWN);
  visit('os', snapshot.os ?? UNKNOWN);
  visit(
    'osVersion',
    snapshot.os && snapshot.osVersion ? `${snapshot.os} ${snapshot.osVersion}` : UNKNOWN,
  );
  visit('kernel', kernelBucket(snapshot) ?? UNKNOWN);
  visit('arch', snapshot.arch ?? UNKNOWN);
  visit('virtualization', snapshot.virtualization ?? UNKNOWN);
  visit('container', snapshot.container ?? UNKNOWN);
  if (snapshot.modules && snapshot.modules.length > 0)
    for (const module of snapshot.modules) visit('module', module);
  else visit('module', UNKNOWN);
  for (const [key, name, buckets] of attributes) {
    visit(name, attributeBucket(snapshot.attributes?.[key], buckets));
  }
}
