// The scheduled aggregation through the local stack's emulated fan-out: the scheduled function is
// triggered by POST (no Pub/Sub emulator here), plans the run and enqueues its shard tasks on the
// Cloud Tasks emulator; each shard task stores its partials and the last one enqueues the merges,
// which publish the days once final. Late events are posted through hosting like an agent's, four
// per shard; the day the run publishes is the one turning final, its events stored beforehand as
// ingest stored them (ingest refuses times that old). A published day is noisy, so the exact check
// is on the merged tallies of the shards' partials (the pre-noise counts), and the published day
// must be exactly what the publication module makes of them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DayAggregate } from '../../shared/aggregate.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf } from '../../shared/dates.ts';
import { addExact, emptyExact, exactFromJson } from '../../functions/src/aggregate/exact.ts';
import { publishMerged } from '../../functions/src/aggregate/merge.ts';
import { lateDays } from '../../functions/src/aggregate/plan.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import type { RunPlan, StoredPartial } from '../../functions/src/model/stored.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { ensureLocalSecret } from '../../scripts/lib/local-secret.ts';
import { AGGREGATE_URL, LOCAL_PROJECT, startStack, type Stack } from '../../scripts/lib/stack.ts';

const INSTALLS = 12;
let stack: Stack;
let db: Firestore;

/** Where this test keeps its copy of the configuration. */
let configDir: string;

/** Emulator lines saying a function reached for the network (the stack runs offline). */
const networkRequests: string[] = [];

beforeAll(async () => {
  // A Firestore emulator of its own: the suite's shared one holds other files' fleets (the demo's
  // hundreds of events a day would make this run 128 shards of 4 events, one task after another).
  delete process.env.FIRESTORE_EMULATOR_HOST;
  // Four events per shard, so even this small day fans out into several shard tasks: the functions
  // are built with a copy of homecall.config.ts that says so (the settings are compiled in).
  configDir = mkdtempSync(join(tmpdir(), 'homecall-fanout-'));
  const config = readFileSync(new URL('../../homecall.config.ts', import.meta.url), 'utf8');
  const small = config.replace(/^(\s*eventsPerShard: )[^,]+,/m, '$14,');
  expect(small).not.toBe(config);
  const functionsConfig = join(configDir, 'homecall.config.ts');
  writeFileSync(functionsConfig, small);
  stack = await startStack({
    demo: false,
    firestorePort: 0,
    functionsConfig,
    log: () => {},
    onEmulatorOutput: (line) => {
      if (/External network resource requested/i.test(line)) networkRequests.push(line);
      // Function errors (a failed task is retried, so the test would only see a timeout).
      if (/error|exception|unhandled/i.test(line)) console.error(`[emulators] ${line}`);
    },
  });
  db = createFirestore({ projectId: LOCAL_PROJECT });
});

afterAll(async () => {
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  await db?.terminate();
  await stack?.stop();
});

/** The published aggregate of `day` through the stats API, if any. */
async function published(day: string): Promise<DayAggregate | undefined> {
  const response = await fetch(`${stack.hostingUrl}/api/v1/days?from=${day}&to=${day}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { days: DayAggregate[] };
  return body.days.find((d) => d.day === day);
}

test('a POST to the scheduled function merges every shard and publishes the day turning final', async () => {
  const now = Date.now();
  const yesterday = addDays(dayOf(now), -1);
  const finalDay = addDays(dayOf(now), -lateDays(deploymentConfig));
  // The day turning final and the day before it: the same installs' events on both, stored as
  // ingest stored them days ago. An install counts once seen on two days (the establishment
  // rule), so they count on the final day; the day before, not yet published either, is in the
  // run too (a day not published within the event retention is backfilled).
  const secret = ensureLocalSecret();
  const dayBefore = addDays(finalDay, -1);
  const stored = [dayBefore, finalDay].flatMap((d) =>
    Array.from({ length: INSTALLS }, (_, i) => {
      const prepared = prepareEvent(
        {
          installId: `fanout-final-${i}`,
          eventId: `fanout-final-${d}-${i}`,
          type: 'heartbeat',
          product: { version: '3.1.0' },
        },
        [],
        {
          secret,
          now: Date.parse(`${d}T12:00:00Z`) + i,
          config: deploymentConfig,
          source: 'v1',
        },
      );
      if (!prepared.ok) throw new Error(prepared.issue.message);
      return prepared.event;
    }),
  );
  await new FirestoreStore(db).saveEvents(stored);
  // Late reports: each with its own time yesterday, accepted within the 72-hour window. After
  // 23:00 UTC, 23 hours ago is already today: the time stays within yesterday.
  const time = new Date(
    Math.min(
      Math.max(now - 23 * 3_600_000, Date.parse(`${yesterday}T12:00:00Z`)),
      Date.parse(`${yesterday}T23:59:59Z`),
    ),
  ).toISOString();
  expect(dayOf(Date.parse(time))).toBe(yesterday);
  for (let i = 0; i < INSTALLS; i += 1) {
    const post = await fetch(`${stack.hostingUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        schema: 1,
        installId: `fanout-install-${i}`,
        eventId: `fanout-${i}`,
        type: 'heartbeat',
        time,
        product: { version: '3.1.0' },
      }),
    });
    expect(post.status).toBe(202);
  }

  const trigger = await fetch(AGGREGATE_URL, { method: 'POST' });
  expect(trigger.status).toBeLessThan(300);

  // The scheduled function returns once the shard tasks are enqueued; a day is published when
  // its merge has run. The run publishes the day before too: in order it comes first, but when
  // its merge task fails once (the emulator's dispatch can hang up on a busy machine) the queue
  // retries it after the final day's merge, which published it in memory only — so wait for both.
  const deadline = Date.now() + 180_000;
  let day = await published(finalDay);
  const storedFinal = async (d: string) =>
    (await new FirestoreStore(db).readDays(d, d))[0]?.final === true;
  let dayBeforeStored = await storedFinal(dayBefore);
  while ((day === undefined || !dayBeforeStored) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    day ??= await published(finalDay);
    dayBeforeStored ||= await storedFinal(dayBefore);
  }
  expect(day?.final).toBe(true);
  expect(day?.privacy).toMatchObject({ epsilon: deploymentConfig.privacy.epsilon });
  // Yesterday is computed but not published: late events may still come for it.
  expect(await published(yesterday)).toBeUndefined();

  // The run went through the fan-out: its plan has several shards, each stored its partial of
  // the days, and the shards' tallies add up to exactly the installs posted for each day.
  const runs = (await db.collection('runs').get()).docs.map((d) => d.data() as RunPlan);
  const run = runs.sort((a, b) => b.id.localeCompare(a.id))[0] as RunPlan;
  expect(run.days).toEqual(expect.arrayContaining([dayBefore, finalDay, yesterday]));
  expect(run.shards).toBeGreaterThan(1);
  const partials = (await db.collection('partials').where('run', '==', run.id).get()).docs.map(
    (d) => d.data() as StoredPartial,
  );
  for (const d of [dayBefore, finalDay, yesterday]) {
    const ofDay = partials.filter((p) => p.day === d);
    expect(new Set(ofDay.map((p) => p.shard)).size, d).toBe(run.shards);
    const merged = emptyExact(d);
    for (const p of ofDay) addExact(merged, exactFromJson(p.exact));
    // On its second day an install counts; on its first it waits (pending), in no other figure.
    const counted = d === finalDay ? INSTALLS : 0;
    expect(merged.d1.n, `installs counted on ${d}, merged from every shard`).toBe(counted);
    expect(merged.screening.pendingD1.n, `installs waiting on ${d}`).toBe(INSTALLS - counted);
    expect(merged.newInstalls.n, `new installs on ${d}`).toBe(d === finalDay ? 0 : INSTALLS);
    if (d !== finalDay) continue;
    expect(merged.screening.newlyEstablished.n).toBe(INSTALLS);
    // The published day is the publication of exactly these merged tallies: with one shard's
    // partial left out, or counted twice, its noise and its numbers would differ. Its window
    // figures are smoothed with the day before as published, read from the store as the merge
    // reads it (the run published that day too).
    const [before] = await new FirestoreStore(db).readDays(dayBefore, dayBefore);
    expect(before?.final).toBe(true);
    expect(before?.privacy).toBeDefined();
    const expected = publishMerged(
      merged,
      { config: deploymentConfig, publicationSecret: () => secret },
      true,
      day?.run as DayAggregate['run'],
      before,
    );
    expect(day).toEqual(expected);
  }

  // No task reached for the metadata server to sign a task: offline, each such lookup waits
  // for a timeout, and a run enqueues a merge per day.
  expect(networkRequests).toEqual([]);
});
