/**
 * Buckets of numeric attributes (CPU cores, memory), shared by the aggregation, which publishes
 * bucket labels instead of raw numbers, and the site, which orders them by number. Zod-free, so
 * the browser bundles it.
 */

/** How a numeric attribute's values are bucketed (see shared/figures.ts). */
export type NumericBuckets =
  { kind: 'ranges'; from: number[] } | { kind: 'power-of-two'; min: number; max: number };

function show(n: number): string {
  return String(Number(n.toPrecision(12)));
}

function isWhole(n: number): boolean {
  return Number.isInteger(n);
}

/** The label of range `i` of ascending lower bounds: "1", "2–3", "4–7", "32+". */
function rangeLabel(from: readonly number[], i: number): string {
  const lo = from[i] as number;
  const next = from[i + 1];
  if (next === undefined) return `${show(lo)}+`;
  if (isWhole(lo) && isWhole(next))
    return next - lo === 1 ? show(lo) : `${show(lo)}–${show(next - 1)}`;
  return `${show(lo)} to <${show(next)}`;
}

/** The powers of two from `min` to `max`. */
function powers(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log2(min)); 2 ** e <= max && out.length <= 64; e += 1)
    out.push(2 ** e);
  return out;
}

/** Every label of a bucketing in order, from the smallest values up. */
export function bucketLabels(buckets: NumericBuckets): string[] {
  if (buckets.kind === 'ranges') {
    // A configuration's ranges have at least one bound (numericBucketsSchema).
    return [
      `<${show(buckets.from[0] as number)}`,
      ...buckets.from.map((_, i) => rangeLabel(buckets.from, i)),
    ];
  }
  return [
    `<${show(buckets.min)}`,
    ...powers(buckets.min, buckets.max).map(show),
    `>${show(buckets.max)}`,
  ];
}

/** The bucket label of a value. */
export function bucketOf(value: number, buckets: NumericBuckets): string {
  if (buckets.kind === 'ranges') {
    const { from } = buckets;
    let i = -1;
    // Past the last bound `from[i + 1]` is undefined, and no value is >= undefined.
    while (value >= (from[i + 1] as number)) i += 1;
    return i < 0 ? `<${show(from[0] as number)}` : rangeLabel(from, i);
  }
  const nearest = 2 ** Math.round(Math.log2(value));
  // Below the smallest bucket, and so are 0 (nearest 0) and a negative value or none (NaN).
  if (!(nearest >= buckets.min)) return `<${show(buckets.min)}`;
  if (nearest > buckets.max) return `>${show(buckets.max)}`;
  return show(nearest);
}

const LEADING_NUMBER = /^([<>]?)(-?\d+(?:\.\d+)?)/;

/**
 * Orders numeric labels by number ("<1", "1", "2–3", "4", "32+", ">1024"), labels that are not
 * numbers after them in text order. What a bar chart of a numeric attribute reads from top down.
 */
export function compareNumericLabels(a: string, b: string): number {
  const key = (label: string): number | undefined => {
    const m = LEADING_NUMBER.exec(label);
    if (!m) return undefined;
    const n = Number(m[2]);
    if (m[1] === '>' || label.endsWith('+')) return n + 1e-9;
    // Stryker disable next-line ConditionalExpression: equivalent; "<n" tied with n is still first, as "<" sorts before digits in text
    return m[1] === '<' ? n - 1e-9 : n;
  };
  const ka = key(a);
  const kb = key(b);
  if (ka !== undefined && kb !== undefined) return ka - kb || a.localeCompare(b);
  if (ka !== undefined) return -1;
  if (kb !== undefined) return 1;
  return a.localeCompare(b);
}
