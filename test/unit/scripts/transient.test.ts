// Local setup on a loaded machine: the Firestore emulator can run out of time on one large commit
// while `npm start` or the browser suite seeds the demo fleet. Such a write is tried again (it is
// idempotent); a write the emulator refused for a reason is not, and nothing is written twice.
import { expect, test } from 'vitest';
import { addDays, dayOf } from '../../../shared/dates.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import type { StoredPage } from '../../../functions/src/model/stored.ts';
import { seedFleet } from '../../../scripts/lib/demo.ts';
import { isTransient, retryTransient } from '../../../scripts/lib/transient.ts';

const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code });
const noSleep = { sleep: async () => {} };

test.each([
  [4, 'DEADLINE_EXCEEDED', true],
  [14, 'UNAVAILABLE', true],
  [10, 'ABORTED', true],
  [8, 'RESOURCE_EXHAUSTED', true],
  [3, 'INVALID_ARGUMENT', false],
  [6, 'ALREADY_EXISTS', false],
  [7, 'PERMISSION_DENIED', false],
])('gRPC code %i (%s) is transient: %s', (code, name, transient) => {
  expect(isTransient(grpcError(code, name))).toBe(transient);
});

test('errors without a numeric code are not transient', () => {
  expect(isTransient(new Error('boom'))).toBe(false);
  expect(isTransient({ code: '4' })).toBe(false);
  expect(isTransient(undefined)).toBe(false);
});

test('a write that times out twice is tried a third time, after growing pauses, and its value returned', async () => {
  const pauses: number[] = [];
  const told: string[] = [];
  let calls = 0;
  const result = await retryTransient(
    'activity pages',
    async () => {
      calls += 1;
      if (calls < 3) throw grpcError(4, '4 DEADLINE_EXCEEDED: Deadline exceeded');
      return 'written';
    },
    { sleep: async (ms) => void pauses.push(ms), log: (m) => told.push(m), firstDelayMs: 100 },
  );
  expect(result).toBe('written');
  expect(calls).toBe(3);
  expect(pauses).toEqual([100, 200]);
  expect(told).toHaveLength(2);
  expect(told[0]).toMatch(/^activity pages: 4 DEADLINE_EXCEEDED.*trying again in 100 ms$/);
});

test('a refused write is not repeated', async () => {
  let calls = 0;
  const refused = grpcError(3, '3 INVALID_ARGUMENT: too big');
  await expect(
    retryTransient(
      'x',
      async () => {
        calls += 1;
        throw refused;
      },
      noSleep,
    ),
  ).rejects.toBe(refused);
  expect(calls).toBe(1);
});

test('a write that keeps timing out fails after the last try with the emulator’s error', async () => {
  let calls = 0;
  const late = grpcError(14, '14 UNAVAILABLE');
  await expect(
    retryTransient(
      'x',
      async () => {
        calls += 1;
        throw late;
      },
      { ...noSleep, attempts: 3 },
    ),
  ).rejects.toBe(late);
  expect(calls).toBe(3);
});

/** A store whose first page commit runs out of time, as the emulator's does under load. */
class SlowOnceStore extends MemoryStore {
  timeouts = 0;
  override async writePages(pages: StoredPage[]): Promise<void> {
    if (this.timeouts === 0) {
      this.timeouts += 1;
      throw grpcError(4, '4 DEADLINE_EXCEEDED: Deadline exceeded');
    }
    return super.writePages(pages);
  }
}

test(
  'seeding survives a commit the emulator ran out of time for, with the same pages and days as an undisturbed seeding',
  { timeout: 120_000 },
  async () => {
    const now = Date.parse('2026-11-20T12:00:00Z');
    const options = { demo: { installs: 20, days: 7, seed: 7 }, now };
    const told: string[] = [];
    const slow = new SlowOnceStore();
    const seeded = await seedFleet(slow, 'transient-secret', {
      ...options,
      log: (m) => told.push(m),
    });
    const calm = new MemoryStore();
    await seedFleet(calm, 'transient-secret', options);
    expect(slow.timeouts).toBe(1);
    expect(told.some((m) => m.startsWith('activity pages: 4 DEADLINE_EXCEEDED'))).toBe(true);
    expect(seeded.pages).toBeGreaterThan(0);
    // The same pages and days, apart from the run id each aggregation draws afresh.
    const withoutRun = (docs: object[]) => docs.map((d) => ({ ...d, run: undefined }));
    expect(withoutRun([...slow.pages.values()])).toEqual(withoutRun([...calm.pages.values()]));
    const today = dayOf(now);
    const days = (store: MemoryStore) => store.readDays(addDays(today, -6), today);
    expect((await days(slow)).length).toBeGreaterThan(0);
    expect(withoutRun(await days(slow))).toEqual(withoutRun(await days(calm)));
  },
);
