/** Builds the OpenAPI 3.1 document and JSON Schemas of every wire format from the zod schemas. */
import { z } from 'zod';
import { dayAggregateSchema } from '../../../shared/aggregate.ts';
import {
  API_PATHS,
  DAY_FIELDS,
  MAX_RANGE_DAYS,
  MAX_TOP,
  NAMED_RANGES,
  RELIABILITY_PARTS,
} from '../../../shared/days-query.ts';
import { deploymentConfig, type DeploymentConfig } from '../../../shared/config.ts';
import { acceptedSchema, erasedSchema, errorSchema } from '../../../shared/schema/api.ts';
import { MAX_BODY_BYTES } from '../../../shared/schema/limits.ts';
import { WIRE_FORMATS } from '../formats/registry.ts';
import type { WireFormat } from '../formats/wire-format.ts';
import { MEDIA_TYPES } from '../http/body.ts';
import { MAX_ANSWER_BYTES } from '../stats/handler.ts';

const daysSchema = z
  .strictObject({ days: z.array(dayAggregateSchema) })
  .describe('Daily aggregates.');

/** Every body homecall accepts or answers, by the name of its generated JSON Schema file. */
const JSON_SCHEMA_FILES: Record<string, z.ZodType> = {
  ...Object.fromEntries(WIRE_FORMATS.flatMap((format) => Object.entries(format.docs.schemas))),
  'accepted.schema.json': acceptedSchema,
  'day-aggregate.schema.json': dayAggregateSchema,
  'days-response.schema.json': daysSchema,
  'error.schema.json': errorSchema,
};

const schema = (s: z.ZodType) =>
  z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });

/** JSON Schemas of every body homecall accepts or answers, by file name. */
export function buildJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(JSON_SCHEMA_FILES).map(([name, s]) => [name, schema(s)]),
  );
}

const json = (s: z.ZodType) => ({ [MEDIA_TYPES.json]: { schema: schema(s) } });
const errors = {
  '400': { description: 'Invalid body or parameters.', content: json(errorSchema) },
  '405': { description: 'Wrong method.', content: json(errorSchema) },
  '413': {
    description: `Body larger than ${MAX_BODY_BYTES / 1024} KiB.`,
    content: json(errorSchema),
  },
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

/** The answers of an endpoint besides its errors. */
function replies(reply: WireFormat['reply'], status: string): object {
  switch (reply.body) {
    case 'accepted':
      return { [status]: { description: 'Stored.', content: json(acceptedSchema) } };
    case 'none':
      return { [status]: { description: 'Stored.' } };
    case 'erased':
      return {
        [status]: {
          description: 'Deleted, or nothing was stored (idempotent; the same answer either way).',
          content: json(erasedSchema),
        },
      };
  }
}

/** A wire format's path item (its request body in its media type, its answers and errors). */
function pathItem(format: WireFormat): ReturnType<typeof post> {
  const { request, summary } = format.docs;
  const body = Array.isArray(request)
    ? { oneOf: (request as readonly z.ZodType[]).map(schema) }
    : schema(request as z.ZodType);
  const content = Object.fromEntries(
    format.accepts.map((kind) => [MEDIA_TYPES[kind], { schema: body }]),
  );
  return post(summary, content, replies(format.reply, String(format.reply.status)));
}

/**
 * The OpenAPI 3.1 document served at `/v1/openapi.json`, for a deployment: its product name and
 * site URL, and only the compat endpoints its configuration enables.
 */
export function buildOpenApi(config: DeploymentConfig = deploymentConfig): unknown {
  // The wire formats the deployment accepts: a compat format it does not enable answers 404.
  const ingestPaths = WIRE_FORMATS.filter(
    (format) => format.format === undefined || config.compat[format.format],
  ).map((format) => [format.path, pathItem(format)]);
  return {
    openapi: '3.1.0',
    info: {
      title: `${config.productName} statistics (homecall)`,
      version: '1',
      description: `Anonymous usage statistics of ${config.productName}: ingest of agent events and public daily aggregates.`,
    },
    servers: [{ url: config.siteUrl }],
    paths: {
      ...Object.fromEntries(ingestPaths),
      '/v1/openapi.json': {
        get: { summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1.' } } },
      },
      [API_PATHS.daysCsv]: {
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
      [API_PATHS.latest]: {
        get: {
          summary: 'The newest final day.',
          parameters: [fieldsParameter],
          responses: {
            '200': { description: 'One aggregate.', content: json(dayAggregateSchema) },
            '404': { description: 'No final day yet.', content: json(errorSchema) },
          },
        },
      },
      [API_PATHS.days]: {
        get: {
          summary:
            'Daily aggregates of a range of UTC days (default: the last 90), whole or with the fields asked for.',
          parameters: [...rangeParameters, fieldsParameter, topParameter],
          responses: {
            '200': { description: 'The days.', content: json(daysSchema) },
            '400': errors['400'],
            '405': errors['405'],
            '413': {
              description: `The answer would exceed ${MAX_ANSWER_BYTES / 2 ** 20} MiB (a whole range with every field): ask for fields, top or a shorter range.`,
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
