/** Reads the query string of a stats request: the range, the fields and the top fold. */
import { addDays, daysBetween, isDay, type Day } from '../../../shared/dates.ts';
import {
  canonicalFields,
  DEFAULT_RANGE_DAYS,
  isDayField,
  isRangeName,
  MAX_FIELDS,
  MAX_RANGE_DAYS,
  MAX_TOP,
  NAMED_RANGES,
  namedRangeSpan,
  type DayField,
} from '../../../shared/days-query.ts';
import { HttpError } from '../http/errors.ts';

function badRequest(name: string, message: string, issue: string): HttpError {
  return new HttpError(400, 'bad_request', message, { issues: [{ path: [name], message: issue }] });
}

function stringParam(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(name, `Give ${name} once.`, 'expected one value');
  return value;
}

/**
 * The days asked for: `range=30d|90d|1y|all` (ending today), or `from`/`to` (YYYY-MM-DD, both
 * included; `to` defaults to today, `from` to 90 days before `to`), never both.
 */
export function parseRange(query: Record<string, unknown>, today: Day): { from: Day; to: Day } {
  const range = stringParam(query, 'range');
  if (range !== undefined) {
    if (!isRangeName(range)) {
      const names = Object.keys(NAMED_RANGES).join(', ');
      throw badRequest('range', `range must be one of ${names}.`, `expected one of ${names}`);
    }
    if (query.from !== undefined || query.to !== undefined) {
      throw badRequest('range', 'Give either range or from/to, not both.', 'with from/to');
    }
    return namedRangeSpan(range, today);
  }
  const param = (name: string): Day | undefined => {
    const value = stringParam(query, name);
    if (value === undefined) return undefined;
    if (!isDay(value))
      throw badRequest(name, `${name} must be a day written YYYY-MM-DD.`, 'expected YYYY-MM-DD');
    return value;
  };
  const to = param('to') ?? today;
  const from = param('from') ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) throw badRequest('from', 'from must not be after to.', 'after to');
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) {
    throw badRequest('from', `A range may span at most ${MAX_RANGE_DAYS} days.`, 'range too long');
  }
  return { from, to };
}

/** `fields=a,b` as a canonical list, or undefined for every field. */
export function parseFields(query: Record<string, unknown>): DayField[] | undefined {
  const text = stringParam(query, 'fields');
  if (text === undefined) return undefined;
  const fields = text.split(',').filter((f) => f !== '');
  const unknown = fields.filter((f) => !isDayField(f));
  if (unknown.length > 0 || fields.length > MAX_FIELDS) {
    throw new HttpError(
      400,
      'bad_request',
      `fields lists up to ${MAX_FIELDS} of activeInstalls, newInstalls, optOuts, events, run, breakdowns, breakdowns.<name>, upgrades, reliability, reliability.versions|topFailures|installFailures, counters, established, heldOut, unestablishedInstallFailures, anomaly.`,
      {
        issues: (unknown.length > 0 ? unknown : ['(too many)']).map((f) => ({
          path: ['fields'],
          message: `unknown field ${f.slice(0, 60)}`,
        })),
      },
    );
  }
  return canonicalFields(fields);
}

/** `top=N` (1 to MAX_TOP), or undefined. */
export function parseTop(query: Record<string, unknown>): number | undefined {
  const text = stringParam(query, 'top');
  if (text === undefined) return undefined;
  const top = Number(text);
  if (!/^\d{1,3}$/.test(text) || top < 1 || top > MAX_TOP) {
    throw badRequest('top', `top must be a whole number from 1 to ${MAX_TOP}.`, 'out of range');
  }
  return top;
}
