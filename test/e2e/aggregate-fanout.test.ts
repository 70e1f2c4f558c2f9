// The scheduled aggregation through the local stack's emulated fan-out: the scheduled function is
// triggered by POST (no Pub/Sub emulator here), plans the run and enqueues its shard tasks on the
// Cloud Tasks emulator; each shard task stores its partials and the last one enqueues the merges,
// which publish the days. Events are posted through hosting like an agent's, four per shard.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addDays, dayOf } from '../../shared/dates.ts';
import type { RunPlan, StoredPartial } from '../../functions/src/store/types.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
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
async function published(
  day: string,
): Promise<{ activeInstalls: { d1: number }; final: boolean } | undefined> {
  const response = await fetch(`${stack.hostingUrl}/api/v1/days?from=${day}&to=${day}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    days: { day: string; activeInstalls: { d1: number }; final: boolean }[];
  };
  return body.days.find((d) => d.day === day);
}

test('a POST to the scheduled function publishes yesterday through shard and merge tasks', async () => {
  const now = Date.now();
  const yesterday = addDays(dayOf(now), -1);
  // Late reports: each with its own time yesterday, accepted within the 72-hour window.
  const time = new Date(
    Math.max(now - 23 * 3_600_000, Date.parse(`${yesterday}T12:00:00Z`)),
  ).toISOString();
  expect(dayOf(Date.parse(time))).toBe(yesterday);
  const before = (await published(yesterday))?.activeInstalls.d1 ?? 0;
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

  // The scheduled function returns once the shard tasks are enqueued; the day is published when
  // the last merge has run.
  const deadline = Date.now() + 180_000;
  let day = await published(yesterday);
  while ((day?.activeInstalls.d1 ?? 0) < before + INSTALLS && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    day = await published(yesterday);
  }
  expect(day?.activeInstalls.d1).toBe(before + INSTALLS);
  expect(day?.final).toBe(false);

  // The run went through the fan-out: its plan has several shards, each stored its partial of
  // the day, and the merge read them all.
  const runs = (await db.collection('runs').get()).docs.map((d) => d.data() as RunPlan);
  const run = runs.sort((a, b) => b.id.localeCompare(a.id))[0] as RunPlan;
  expect(run.days).toContain(yesterday);
  expect(run.shards).toBeGreaterThan(1);
  const partials = (await db.collection('partials').where('run', '==', run.id).get()).docs.map(
    (d) => d.data() as StoredPartial,
  );
  const shardsOfDay = new Set(partials.filter((p) => p.day === yesterday).map((p) => p.shard));
  expect(shardsOfDay.size).toBe(run.shards);

  // No task reached for the metadata server to sign a task: offline, each such lookup waits
  // for a timeout, and a run enqueues a merge per day.
  expect(networkRequests).toEqual([]);
});
