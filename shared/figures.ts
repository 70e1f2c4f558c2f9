/**
 * How the deployment describes the figures it publishes: per attribute and per counter group a
 * title, a unit and a description, and for numeric attributes how values are bucketed. The
 * Attributes and Counters pages, their tables and the privacy page are built from this, so a
 * deployment (LibreNMS-style, Netdata-style, …) needs a configuration, not a page of its own.
 * The zod schemas here are the one source of these rules: the configuration's schema
 * (`config-schema.ts`, validating homecall.config.ts) embeds them, and `parseFigureConfig` checks
 * the figure part of any configuration (the examples) against them alone.
 */
import { z } from 'zod';
import { bucketLabels, type NumericBuckets } from './numeric-buckets.ts';

const title = z.string().trim().min(1).max(60);
const unit = z.string().trim().min(1).max(24);
const description = z.string().trim().min(1).max(300);

/** Keys as agents send them and as they appear in `attribute.<key>` breakdowns. */
export const attributeKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'attribute keys are lower-case letters, digits and _');

/** Counter groups: the `<group>` of `<group>.<value>` counter keys. */
export const counterGroupKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,48}$/, 'counter groups are letters, digits, _ and -');

const bound = z.number().positive().max(1e12);

/**
 * Buckets of a numeric attribute, applied before the k rule (so 12 and 14 cores count together
 * instead of each falling under k): `ranges` from ascending lower bounds (cores: 1, 2–3, 4–7, …,
 * 32+), or `power-of-two` rounding each value to the nearest power of two between `min` and `max`
 * (memory: a 32 GiB host reports 31.3 GiB usable and is counted as 32).
 */
export const numericBucketsSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('ranges'),
    from: z
      .array(bound)
      .min(1)
      .max(64)
      .refine((b) => b.every((v, i) => i === 0 || v > (b[i - 1] as number)), 'must be ascending'),
  }),
  z
    .strictObject({ kind: z.literal('power-of-two'), min: bound, max: bound })
    .refine((b) => b.max >= b.min, { message: 'max must be at least min', path: ['max'] })
    .refine((b) => bucketLabels(b).length <= 66, {
      message: 'at most 64 powers of two between min and max',
      path: ['max'],
    }),
]);

/** One attribute key that agents may send, with how the site shows it. */
export const attributeSpecSchema = z
  .strictObject({
    kind: z.enum(['string', 'number', 'boolean']),
    /** The heading of its chart: "CPU cores". */
    title,
    /** What a value counts, after the number in tables: "GiB". */
    unit: unit.optional(),
    /** What the value means, on the Attributes and privacy pages. */
    description,
    /** Whether the daily aggregate publishes a breakdown of it (subject to k-anonymity). */
    published: z.boolean(),
    /**
     * The shape a string value must have (see shared/schema/shapes.ts); by default `version` for
     * keys ending in `_version` and `label` for the others. A value that does not fit is dropped.
     */
    shape: z.enum(['version', 'label']).optional(),
    /** Buckets of a numeric attribute; without them each value is its own bucket. */
    buckets: numericBucketsSchema.optional(),
  })
  .refine((spec) => spec.buckets === undefined || spec.kind === 'number', {
    message: 'only number attributes have buckets',
    path: ['buckets'],
  });

/** How one counter group (LibreNMS-style `<group>.<value>` facts) is shown. */
export const counterGroupSpecSchema = z.strictObject({
  /** The heading of its charts: "Devices by operating system". */
  title,
  /** What the counts count, after the number: "devices". */
  unit: unit.optional(),
  description,
});

/** The figure descriptions of a configuration: its attributes and counter groups. */
export const figureConfigSchema = z.object({
  attributes: z.record(attributeKeySchema, attributeSpecSchema),
  /**
   * Counter groups with their title, unit and description. A group not listed is still summed
   * and published (subject to k), titled by its key.
   */
  counters: z.record(counterGroupKeySchema, counterGroupSpecSchema),
});

/** One attribute key that agents may send. */
export type AttributeSpec = z.input<typeof attributeSpecSchema>;
/** Kind of value an allowed attribute may carry. */
export type AttributeKind = AttributeSpec['kind'];
/** How one counter group is titled on the site. */
export type CounterGroupSpec = z.input<typeof counterGroupSpecSchema>;
/** The figure descriptions of a configuration. */
export type FigureConfig = z.input<typeof figureConfigSchema>;
export type { NumericBuckets };

/** Checks a configuration's figure descriptions; throws an Error naming every bad field. */
export function parseFigureConfig(
  config: FigureConfig,
  source = 'homecall.config.ts',
): FigureConfig {
  const parsed = figureConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    // A bad record key reports "Invalid key in record"; the rule it broke is in its own issues.
    const message =
      issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return `  - ${issue.path.map(String).join('.') || '(figures)'}: ${message}`;
  });
  throw new Error(`${source}: invalid figure descriptions:\n${lines.join('\n')}`);
}

/** What the site shows of a counter group: its description, or a default titled by its key. */
export function counterGroupSpec(
  config: Pick<FigureConfig, 'counters'>,
  group: string,
): CounterGroupSpec {
  return (
    (Object.hasOwn(config.counters, group) ? config.counters[group] : undefined) ?? {
      title: group,
      description: `Counts reported in the group “${group}”, summed over installs.`,
    }
  );
}

/** The published attributes in configuration order, each with its description. */
export function publishedAttributeSpecs(
  config: Pick<FigureConfig, 'attributes'>,
): [key: string, spec: AttributeSpec][] {
  return Object.entries(config.attributes).filter(([, spec]) => spec.published);
}
