/**
 * The request and answer shapes of the HTTP API besides the events themselves: the erase request,
 * the answers to a report and to an erase, and the one error shape with its codes. The handlers
 * build their answers from these types and parse with these schemas; the OpenAPI document and the
 * JSON Schemas are generated from the same schemas.
 */
import { z } from 'zod';
import { INSTALL_ID_MAX } from './limits.ts';

/** Machine-readable error codes clients can branch on. */
export const ERROR_CODES = [
  'bad_request',
  'invalid_body',
  'invalid_time',
  'not_found',
  'method_not_allowed',
  'payload_too_large',
  'answer_too_large',
  'unsupported_media_type',
  'rate_limited',
  'unavailable',
  'internal',
] as const;

/** One machine-readable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem of a request, zod-style: where (a path into the body) and what. */
export const bodyIssueSchema = z.strictObject({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});

/** A problem of a request, as the error body lists it. */
export type BodyIssue = z.infer<typeof bodyIssueSchema>;

/** The body of every error answer. */
export const errorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      issues: z.array(bodyIssueSchema).optional(),
    }),
  })
  .describe('Every error answer.');

/** `{"error": {"code", "message", "issues"?}}`: every error answer. */
export type ErrorBody = z.infer<typeof errorSchema>;

/** The body of a 200/202 answer to a report. */
export const acceptedSchema = z
  .strictObject({
    accepted: z.number().int().describe('Events newly stored.'),
    duplicates: z.number().int().describe('Events already stored before (retries).'),
    ignoredFields: z
      .array(z.string())
      .describe('Fields dropped because homecall does not collect them.'),
  })
  .describe('Answer to an accepted report.');

/** The answer to an accepted report. */
export type Accepted = z.infer<typeof acceptedSchema>;

/** The body of `POST /v1/erase`. */
export const eraseSchema = z
  .strictObject({
    installId: z
      .string()
      .trim()
      .min(1)
      .max(INSTALL_ID_MAX)
      .describe(
        'The id the agent sent, in any case; the machine-, uuid-, dbus- and macos- prefixes of Netdata ids are ignored.',
      ),
  })
  .describe('Erase every stored record of an install.');

/** The body of every erase answer. */
export const erasedSchema = z
  .strictObject({ erased: z.literal(true) })
  .describe(
    'Every erase answer: nothing of the install is stored any more. The same whether or not anything was stored, so it tells nobody which ids have data.',
  );

/**
 * What every erase answers, whether or not anything was stored for the id: the answer must not
 * tell a caller which ids have data.
 */
export const ERASED: Readonly<z.infer<typeof erasedSchema>> = Object.freeze({ erased: true });

/** The issues of a zod failure as the error body lists them, under `prefix`, at most `max`. */
export function zodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly (string | number)[] = [],
  max = Infinity,
): BodyIssue[] {
  return issues.slice(0, max).map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: issue.message,
  }));
}
