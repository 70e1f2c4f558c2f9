// An aggregation killed mid-run (SIGKILL, so nothing is cleaned up) and rerun must leave exactly
// what an uninterrupted run leaves: two emulator projects are seeded identically, one gets an
// interrupted `npm run aggregate` followed by a complete one, the other a single complete run;
// their `days` (all but the `run` bookkeeping) and `pages` (all but the run that wrote them)
// collections must be equal. The CLI runs the shards, then one merge per day: killed after the
// shard it has pages and partials but no day; killed after some merges it has some days.
import { randomUUID } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, expect, inject, test } from 'vitest';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf, dayRange } from '../../shared/dates.ts';
import { aggregateRange } from '../../functions/src/aggregate/job.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { MemoryStore } from '../../functions/src/store/memory-store.ts';
import type { StoredEvent } from '../../functions/src/model/stored.ts';
import { simulateFleet } from '../../scripts/lib/demo.ts';
import { runAggregateCli } from '../support/aggregate-cli.ts';
import { emulatorFirestore } from '../support/emulator-firestore.ts';
import { pageDocuments } from '../support/page-documents.ts';

// The aggregate CLI runs in child processes that inherit this.
process.env.METADATA_SERVER_DETECTION ??= 'none';
const emulatorHost = inject('firestoreEmulatorHost');
const SECRET = 'aggregate-kill-secret';
const WARM_UP_DAYS = 14;
// Old enough to be final whenever the test runs (so both runs agree across midnight), young
// enough that their raw events are inside retention.
const TODAY = dayOf(Date.now());
const FROM = addDays(TODAY, -14);
const TO = addDays(TODAY, -5);
const clients: Firestore[] = [];

afterAll(async () => {
  await Promise.all(clients.map((client) => client.terminate()));
});

function firestoreFor(projectId: string): Firestore {
  const client = emulatorFirestore(emulatorHost, projectId);
  clients.push(client);
  return client;
}

/**
 * A small fleet whose first WARM_UP_DAYS were aggregated earlier (activity pages exist) and
 * whose raw events of FROM..TO wait for the run.
 */
async function seed(firestore: Firestore, events: StoredEvent[]): Promise<void> {
  const memory = new MemoryStore();
  await memory.saveEvents(events.filter((e) => e.day < FROM));
  await aggregateRange(
    {
      store: memory,
      clock: () => Date.now(),
      config: deploymentConfig,
      publicationSecret: () => 'faults-noise',
    },
    addDays(FROM, -WARM_UP_DAYS),
    addDays(FROM, -1),
  );
  const store = new FirestoreStore(firestore);
  await store.writePages([...memory.pages.values()]);
  await store.saveEvents(events.filter((e) => e.day >= FROM));
}

/** Every document of a collection by id; `run` left out of day aggregates and pages. */
async function documents(firestore: Firestore, collection: string) {
  const docs =
    collection === 'pages'
      ? await pageDocuments(firestore)
      : (await firestore.collection(collection).get()).docs.map((d) => [d.id, d.data()] as const);
  return Object.fromEntries(
    docs.map(([id, doc]) => {
      const { run: _run, ...data } = doc;
      return [id, data];
    }),
  );
}

// The 900 s limit (at the end) only catches a hang: the four CLI processes, each starting Node and
// a Firestore client, took 234 s on a 2-core machine with a core kept busy and other jobs running.
test('an aggregation killed mid-run and rerun leaves what an uninterrupted run leaves', async () => {
  const interruptedProject = `faults-agg-killed-${randomUUID()}`;
  const cleanProject = `faults-agg-clean-${randomUUID()}`;
  const interrupted = firestoreFor(interruptedProject);
  const clean = firestoreFor(cleanProject);
  // One fleet for both: reports without identity get random ids, so two simulations differ.
  const events = simulateFleet(
    { installs: 40, days: WARM_UP_DAYS + dayRange(FROM, TO).length, seed: 7 },
    SECRET,
    TO,
  );
  await Promise.all([seed(interrupted, events), seed(clean, events)]);
  const pagesBefore = await documents(interrupted, 'pages');
  expect(pagesBefore).toEqual(await documents(clean, 'pages'));
  const days = dayRange(FROM, TO).length;

  // Killed after its shard (pages written, no day published), then again after five merges: the
  // second run recomputes days whose pages a killed run already rewrote, as any rerun does.
  for (const killAfterDays of [1, 6]) {
    const killed = await runAggregateCli({
      emulatorHost,
      projectId: interruptedProject,
      from: FROM,
      to: TO,
      killAfterDays,
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.daysDone).toBeLessThan(days);
  }
  const leftBehind = Object.keys(await documents(interrupted, 'days'));
  expect(leftBehind.length).toBeGreaterThanOrEqual(5);
  expect(leftBehind.length).toBeLessThan(days);
  expect(await documents(interrupted, 'pages')).not.toEqual(pagesBefore);

  const rerun = await runAggregateCli({
    emulatorHost,
    projectId: interruptedProject,
    from: FROM,
    to: TO,
  });
  expect(rerun.code, rerun.stderr).toBe(0);
  // Every step of the run: its shard and one merge per day.
  expect(rerun.daysDone).toBe(days + 1);
  const complete = await runAggregateCli({
    emulatorHost,
    projectId: cleanProject,
    from: FROM,
    to: TO,
  });
  expect(complete.code, complete.stderr).toBe(0);

  const cleanDays = await documents(clean, 'days');
  expect(Object.keys(cleanDays)).toEqual(dayRange(FROM, TO));
  expect(await documents(interrupted, 'days')).toEqual(cleanDays);
  expect(await documents(interrupted, 'pages')).toEqual(await documents(clean, 'pages'));
  // The killed runs' plans and partials are gone once a later run has planned.
  const runs = (await interrupted.collection('runs').get()).docs.map((d) => d.id);
  expect(runs).toHaveLength(1);
}, 900_000);
