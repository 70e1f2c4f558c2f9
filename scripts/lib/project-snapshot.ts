/**
 * The snapshot a site is built from: a project's `days` as its Firestore (or an emulator) holds
 * them, written with where they came from, so the build record and the hosting predeploy can tell
 * a production build from a local one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { addDays, dayOf } from '../../shared/dates.ts';
import { MAX_RANGE_DAYS } from '../../shared/days-query.ts';
import type { Store } from '../../functions/src/store/types.ts';

/** How far back the site's snapshot reaches: the site's longest range, the API's (three years). */
export const SNAPSHOT_DAYS = MAX_RANGE_DAYS;

/** The snapshot file's content, as site/src/lib/snapshot.ts reads it. */
export interface SnapshotDocument {
  generatedAt: string;
  project: string;
  source: 'firestore' | 'emulator';
  days: DayAggregate[];
}

/** Reads the days of the snapshot window ending today. */
export async function readSnapshotDays(
  store: Pick<Store, 'readDays'>,
  now: number,
): Promise<DayAggregate[]> {
  const today = dayOf(now);
  return store.readDays(addDays(today, -(SNAPSHOT_DAYS - 1)), today);
}

/** Writes a snapshot file (creating its folder). */
export function writeSnapshotFile(file: string, snapshot: SnapshotDocument): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(snapshot));
}
