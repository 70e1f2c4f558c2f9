/**
 * The public daily aggregate: what `days/{YYYY-MM-DD}` holds, what `GET /api/v1/days` answers,
 * and what the site draws. Only counts of installs and events; never a single install's values.
 */
import { z } from 'zod';
import { EVENT_TYPES } from './schema/event.ts';

const installCount = z.number().int().min(0);

export const activeInstallsSchema = z
  .strictObject({
    d1: installCount.describe('Distinct installs with any event on the day.'),
    d7: installCount.describe('Distinct installs with any event in the 7 days ending on the day.'),
    d28: installCount.describe(
      'Distinct installs with any event in the 28 days ending on the day.',
    ),
  })
  .describe('Active installs over windows ending on the day.');

/** Figures of the aggregation run itself, kept beside the data, never mixed into it. */
export const aggregationRunSchema = z
  .strictObject({
    computedAt: z.iso.datetime().describe('When the day was last computed.'),
    documentsRead: installCount.describe('Firestore documents the run read for the day.'),
    documentsWritten: installCount.describe('Firestore documents the run wrote for the day.'),
  })
  .describe('How the day was computed; not part of the statistics.');

export const dayAggregateSchema = z
  .strictObject({
    day: z.iso.date().describe('The UTC day, YYYY-MM-DD.'),
    final: z.boolean().describe('False while late events may still change the day.'),
    activeInstalls: activeInstallsSchema,
    newInstalls: installCount.describe('Installs first seen on the day.'),
    optOuts: installCount.describe('Opt-out events received on the day.'),
    events: z
      .partialRecord(z.enum(EVENT_TYPES), installCount)
      .describe('Events received on the day, by type.'),
    run: aggregationRunSchema,
  })
  .describe('Public statistics of one UTC day.');

export type ActiveInstalls = z.infer<typeof activeInstallsSchema>;
export type DayAggregate = z.infer<typeof dayAggregateSchema>;
export type AggregationRun = z.infer<typeof aggregationRunSchema>;
