/** Builds the OpenAPI 3.1 document and JSON Schemas of every wire format from the zod schemas. */
import { z } from 'zod';
import { dayAggregateSchema } from '../../../shared/aggregate.ts';
import {
  DAY_FIELDS,
  MAX_RANGE_DAYS,
  MAX_TOP,
  NAMED_RANGES,
  RELIABILITY_PARTS,
} from '../../../shared/days-query.ts';
import {
  deploymentConfig,
  type CompatFormat,
  type DeploymentConfig,
} from '../../../shared/config.ts';
import { canonicalEventSchema, eventBatchSchema } from '../../../shared/schema/event.ts';
import { cleanInsightsBodySchema } from '../compat/cleaninsights.ts';
import { libreNmsClearSchema, libreNmsStatsSchema } from '../compat/librenms.ts';
import { netdataBodySchema } from '../compat/netdata.ts';

const errorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string(),
      message: z.string(),
      issues: z
        .array(
          z.strictObject({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }),
        )
        .optional(),
    }),
  })
  .describe('Every error answer.');

const acceptedSchema = z
  .strictObject({
    accepted: z.number().int().describe('Events newly stored.'),
    duplicates: z.number().int().describe('Events already stored before (retries).'),
    ignoredFields: z
      .array(z.string())
      .describe('Fields dropped because homecall does not collect them.'),
  })
  .describe('Answer to an accepted report.');

const eraseSchema = z
  .strictObject({
    installId: z
      .string()
      .min(1)
      .max(128)
      .describe(
        'The id the agent sent, in any case; the machine-, uuid-, dbus- and macos- prefixes of Netdata ids are ignored.',
      ),
  })
  .describe('Erase every stored record of an install.');

const erasedSchema = z
  .strictObject({ erased: z.literal(true) })
  .describe(
    'Every erase answer: nothing of the install is stored any more. The same whether or not anything was stored, so it tells nobody which ids have data.',
  );

const daysSchema = z
  .strictObject({ days: z.array(dayAggregateSchema) })
  .describe('Daily aggregates.');

const batchSchema = eventBatchSchema.extend({
  events: z.array(canonicalEventSchema).min(1).max(100),
});

const libreNmsFormSchema = z
  .strictObject({
    data: z
      .string()
      .max(65536)
      .describe('The LibreNMS statistics as JSON; see librenms-stats.schema.json.'),
  })
  .describe('LibreNMS daily statistics, form-encoded.');

/** Every wire format, by the name of its generated JSON Schema file. */
const WIRE_FORMATS: Record<string, z.ZodType> = {
  'event.schema.json': canonicalEventSchema,
  'event-batch.schema.json': batchSchema,
  'erase.schema.json': eraseSchema,
  'netdata-body.schema.json': netdataBodySchema,
  'librenms-stats.schema.json': libreNmsStatsSchema,
  'librenms-clear.schema.json': libreNmsClearSchema,
  'cleaninsights-body.schema.json': cleanInsightsBodySchema,
  'accepted.schema.json': acceptedSchema,
  'day-aggregate.schema.json': dayAggregateSchema,
  'days-response.schema.json': daysSchema,
  'error.schema.json': errorSchema,
};

const schema = (s: z.ZodType) =>
  z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });

/** JSON Schemas of every body homecall accepts or answers, by file name. */
export function buildJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(WIRE_FORMATS).map(([name, s]) => [name, schema(s)]));
}

const json = (s: z.ZodType) => ({ 'application/json': { schema: schema(s) } });
const form = (s: z.ZodType) => ({ 'application/x-www-form-urlencoded': { schema: schema(s) } });
const errors = {
  '400': { description: 'Invalid body or parameters.', content: json(errorSchema) },
  '405': { description: 'Wrong method.', content: json(errorSchema) },
  '413': { description: 'Body larger than 64 KiB.', content: json(errorSchema) },
  '415': { description: 'Wrong content type.', content: json(errorSchema) },
  '429': { description: 'Rate limited; see Retry-After.', content: json(errorSchema) },
  '503': {
    description:
      'Storage unavailable; retry after Retry-After. Resending is safe: events that were stored count as duplicates.',
    content: json(errorSchema),
  },
};

const post = (summary: string, body: object, responses: object) => ({
  post: {
    summary,
    requestBody: { required: true, content: body },
    responses: { ...responses, ...errors },
  },
});

const rangeParameters = [
  {
    name: 'range',
    in: 'query',
    description: `A named range ending today (UTC): ${Object.keys(NAMED_RANGES).join(', ')} (${MAX_RANGE_DAYS} days). Not with from/to.`,
    schema: { type: 'string', enum: Object.keys(NAMED_RANGES) },
  },
  {
    name: 'from',
    in: 'query',
    description: 'First day, YYYY-MM-DD.',
    schema: { type: 'string', format: 'date' },
  },
  {
    name: 'to',
    in: 'query',
    description: 'Last day, YYYY-MM-DD (default: today).',
    schema: { type: 'string', format: 'date' },
  },
];

const fieldsParameter = {
  name: 'fields',
  in: 'query',
  description: `Comma-separated fields to answer besides day and final: ${DAY_FIELDS.join(', ')}, breakdowns.<name> or reliability.${RELIABILITY_PARTS.join('|')}. Default: every field.`,
  schema: { type: 'string' },
};

const topParameter = {
  name: 'top',
  in: 'query',
  description: `Fold each breakdown to its N values with the most installs over the range (the rest summed into "other"), reliability.versions to its N versions with the most active installs, and each counter group to its N values with the largest sums over the range (the group's sum and installs still count every value) (1–${MAX_TOP}).`,
  schema: { type: 'integer', minimum: 1, maximum: MAX_TOP },
};

/** A compat endpoint's path item, or nothing when the deployment does not accept the format. */
function compat(
  config: DeploymentConfig,
  format: CompatFormat,
  path: string,
  summary: string,
  body: object,
  responses: object,
): Record<string, ReturnType<typeof post>> {
  return config.compat[format] ? { [path]: post(summary, body, responses) } : {};
}

/**
 * The OpenAPI 3.1 document served at `/v1/openapi.json`, for a deployment: its product name and
 * site URL, and only the compat endpoints its configuration enables.
 */
export function buildOpenApi(config: DeploymentConfig = deploymentConfig): unknown {
  const stored = { '200': { description: 'Stored.', content: json(acceptedSchema) } };
  const erased = {
    '200': {
      description: 'Deleted, or nothing was stored (idempotent; the same answer either way).',
      content: json(erasedSchema),
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: `${config.productName} statistics (homecall)`,
      version: '1',
      description: `Anonymous usage statistics of ${config.productName}: ingest of agent events and public daily aggregates.`,
    },
    servers: [{ url: config.siteUrl }],
    paths: {
      '/v1/events': post(
        'Report one event or a batch of up to 100.',
        {
          'application/json': {
            schema: { oneOf: [schema(canonicalEventSchema), schema(batchSchema)] },
          },
        },
        { '202': { description: 'Stored.', content: json(acceptedSchema) } },
      ),
      '/v1/erase': post('Delete every stored record of an install.', json(eraseSchema), erased),
      ...compat(
        config,
        'netdata',
        '/compat/netdata',
        "Netdata agent and installer events, as Netdata's scripts send them, including their two known defects (an empty unquoted value, a raw line break in a string), which are repaired.",
        json(netdataBodySchema),
        stored,
      ),
      ...compat(
        config,
        'librenms',
        '/compat/librenms/log.php',
        'LibreNMS daily statistics.',
        form(libreNmsFormSchema),
        stored,
      ),
      ...compat(
        config,
        'librenms',
        '/compat/librenms/clear.php',
        'LibreNMS "clear remote stats": erase the install. An empty body (an install that never submitted) erases nothing and answers 200.',
        form(libreNmsClearSchema),
        erased,
      ),
      ...compat(
        config,
        'cleaninsights',
        '/compat/cleaninsights.php',
        'Clean Insights (OpenWISP) measurements; one request is one install-day.',
        json(cleanInsightsBodySchema),
        { '204': { description: 'Stored.' } },
      ),
      '/v1/openapi.json': {
        get: { summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1.' } } },
      },
      '/api/v1/days.csv': {
        get: {
          summary:
            'The same days as CSV: scalar metrics, one column per published bucket of the main breakdowns, and per counter group counter:<group>:sum and counter:<group>:installs, per counter value counter:<group>.<value>:sum and counter:<group>.<value>:installs.',
          parameters: rangeParameters,
          responses: {
            '200': {
              description: 'CSV with a header row.',
              content: { 'text/csv': { schema: { type: 'string' } } },
            },
            '400': errors['400'],
          },
        },
      },
      '/api/v1/latest': {
        get: {
          summary: 'The newest final day.',
          parameters: [fieldsParameter],
          responses: {
            '200': { description: 'One aggregate.', content: json(dayAggregateSchema) },
            '404': { description: 'No final day yet.', content: json(errorSchema) },
          },
        },
      },
      '/api/v1/days': {
        get: {
          summary:
            'Daily aggregates of a range of UTC days (default: the last 90), whole or with the fields asked for.',
          parameters: [...rangeParameters, fieldsParameter, topParameter],
          responses: {
            '200': { description: 'The days.', content: json(daysSchema) },
            '400': errors['400'],
            '405': errors['405'],
            '413': {
              description:
                'The answer would exceed 24 MiB (a whole range with every field): ask for fields, top or a shorter range.',
              content: json(errorSchema),
            },
            '503': {
              description: 'Storage unavailable; retry after Retry-After.',
              content: json(errorSchema),
            },
          },
        },
      },
    },
  };
}
