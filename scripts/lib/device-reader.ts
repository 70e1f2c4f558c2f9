/**
 * Reads LibreNMS reports out of the `events` collection one day at a time, streaming each day's
 * documents into a DevicePairTally so memory holds a day's reports, never the range's events.
 * One equality query per day (`day` is indexed): no cursors or offsets, which the Node emulator
 * ignores, and correct on real Firestore alike.
 */
import type { Firestore, QueryDocumentSnapshot } from '@google-cloud/firestore';
import { Timestamp } from '@google-cloud/firestore';
import type { Day } from '../../shared/dates.ts';
import { deviceReportOf, type DevicePairTally } from './device-pairs.ts';

/** What reading a range found. */
export interface ReadStats {
  days: number;
  /** Every event document of the range, whatever its source. */
  events: number;
  /** LibreNMS reports of known installs among them. */
  reports: number;
  /** Stored device rows that were not well-formed (left out). */
  skippedRows: number;
}

/** Told after each day and every `progressEvery` events within a long day. */
export type ReadProgress = (daysDone: number, day: Day, eventsOfDay: number) => void;

/** Events between progress reports inside one day, so a day of a million events shows life. */
export const PROGRESS_EVERY = 20_000;

/** Streams every event of `days` into `tally`, a day at a time, in order. */
export async function readDeviceReports(
  db: Firestore,
  days: readonly Day[],
  tally: DevicePairTally,
  progress: ReadProgress = () => {},
  progressEvery = PROGRESS_EVERY,
): Promise<ReadStats> {
  const stats: ReadStats = { days: 0, events: 0, reports: 0, skippedRows: 0 };
  // `source` is exempt from indexing (see firestore.indexes.json), so the day's events are all
  // read and filtered here; select() keeps real Firestore from sending the other fields.
  const events = db.collection('events');
  for (const [index, day] of days.entries()) {
    const query = events
      .where('day', '==', day)
      .select('install', 'source', 'devices', 'receivedAt');
    let eventsOfDay = 0;
    for await (const item of query.stream()) {
      const doc = item as unknown as QueryDocumentSnapshot;
      eventsOfDay += 1;
      if (eventsOfDay % progressEvery === 0) progress(index, day, eventsOfDay);
      const data = doc.data();
      const report = deviceReportOf({
        id: doc.id,
        install: data.install,
        source: data.source,
        devices: data.devices,
        receivedAt: data.receivedAt instanceof Timestamp ? data.receivedAt.toMillis() : 0,
      });
      if (!report) continue;
      stats.reports += 1;
      stats.skippedRows += report.skippedRows;
      tally.offer(report);
    }
    tally.endDay();
    stats.days += 1;
    stats.events += eventsOfDay;
    progress(index + 1, day, eventsOfDay);
  }
  return stats;
}

// gRPC status codes the client library reports in `error.code`.
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

/** A Firestore failure in words that say how to fix it. */
export function explainReadError(
  error: unknown,
  target: { project: string; emulatorHost?: string },
): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const signIn =
    'run `gcloud auth application-default login` with an account that may read Firestore in ' +
    `project ${target.project} (roles/datastore.viewer), and pass --project ID`;
  if (
    code === UNAUTHENTICATED ||
    /could not load the default credentials|invalid_grant|invalid_rapt|reauth/i.test(message)
  )
    return `no usable Google credentials: ${signIn} (${firstLine(message)})`;
  if (code === PERMISSION_DENIED)
    return `the signed-in account may not read Firestore in project ${target.project}: ${signIn} (${firstLine(message)})`;
  if (code === NOT_FOUND)
    return `project ${target.project} has no Firestore database, or no such project: check --project (${firstLine(message)})`;
  if (code === UNAVAILABLE && target.emulatorHost)
    return `the Firestore emulator at ${target.emulatorHost} does not answer: is it running (npm start)? (${firstLine(message)})`;
  return `reading events failed: ${firstLine(message)}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
