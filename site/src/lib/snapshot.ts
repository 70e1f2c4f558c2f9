/**
 * The build-time data: the snapshot of daily aggregates every page is rendered from, written
 * as `{"generatedAt": "<iso>", "project": "<id>", "source": "firestore"|"emulator",
 * "days": DayAggregate[]}` by whoever builds the site (`npm start`, `npm run deploy`).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dayAggregateSchema, type DayAggregate } from '../../../shared/aggregate.ts';
import { byDay } from './series.ts';

/** The aggregates the site is built from. */
export interface Snapshot {
  generatedAt: string | null;
  /** The Firebase project whose `days` were read; null for a snapshot of unknown origin. */
  project: string | null;
  /** Where they were read: the project's Firestore, or an emulator. */
  source: SnapshotSource | null;
  days: DayAggregate[];
}

/** Where a snapshot's days were read. */
export type SnapshotSource = 'firestore' | 'emulator';

const daysSchema = dayAggregateSchema.array();

/**
 * Where the snapshot is read: `HOMECALL_SNAPSHOT` (relative to the working directory), else
 * `.snapshot/days.json` in the site root. The root is passed in (from `astro:config/server`)
 * because `import.meta.url` of built page code points into `dist/.prerender`, not `src`.
 */
export function snapshotFile(
  siteRoot: URL,
  override: string | undefined = process.env.HOMECALL_SNAPSHOT,
): string {
  return override ? resolve(override) : fileURLToPath(new URL('.snapshot/days.json', siteRoot));
}

/**
 * Reads and validates a snapshot. A missing file is an empty snapshot (the pages then say there
 * is no data yet); a malformed one fails the build, so wrong numbers are never published.
 */
export async function readSnapshot(file: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isRecordWithCode(error) && error.code === 'ENOENT')
      return { generatedAt: null, project: null, source: null, days: [] };
    throw error;
  }
  const body: unknown = JSON.parse(text);
  const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const days = daysSchema.safeParse(raw.days);
  if (!days.success) {
    throw new Error(`${file}: "days" is not a list of day aggregates: ${days.error.message}`);
  }
  const generatedAt = raw.generatedAt;
  if (
    generatedAt !== undefined &&
    (typeof generatedAt !== 'string' || Number.isNaN(Date.parse(generatedAt)))
  ) {
    throw new Error(`${file}: "generatedAt" is not an ISO timestamp`);
  }
  const project = typeof raw.project === 'string' && raw.project !== '' ? raw.project : null;
  const source = raw.source === 'firestore' || raw.source === 'emulator' ? raw.source : null;
  return { generatedAt: generatedAt ?? null, project, source, days: byDay(days.data) };
}

function isRecordWithCode(value: unknown): value is { code: unknown } {
  return typeof value === 'object' && value !== null && 'code' in value;
}
