// Store faults as the handlers meet them, on MemoryStore: a store that never answers (the store
// deadline turns it into 503 + Retry-After), a late failure after that answer (never an unhandled
// rejection), and a store that fails halfway through a batch (the retry stores the rest once).
import { afterEach, describe, expect, test, vi } from 'vitest';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import {
  StoreDeadlineError,
  withDeadline,
  withStoreDeadline,
} from '../../../functions/src/store/deadline.ts';
import type { SaveResult, Store } from '../../../functions/src/store/types.ts';
import type { StoredEvent } from '../../../functions/src/model/stored.ts';
import {
  batchOf,
  expectUnavailable,
  faultHarness,
  heartbeat,
  watchUnhandledRejections,
} from '../../support/fault-harness.ts';

const NOW = '2026-03-10T12:00:00.000Z';
const DEADLINE_MS = 100;
const unhandled = watchUnhandledRejections();

afterEach(async () => {
  // Give late settlements a chance to surface as unhandled rejections.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(unhandled.reasons.splice(0)).toEqual([]);
});

/** A MemoryStore whose every call waits for `release()`, then succeeds or fails as told. */
function stalledStore() {
  const memory = new MemoryStore();
  const waiting: (() => void)[] = [];
  const stalled = <T>(call: () => Promise<T>): Promise<T> =>
    new Promise<void>((resolve) => waiting.push(resolve)).then(call);
  const store: Store = Object.create(memory, {
    saveEvents: { value: (events: StoredEvent[]) => stalled(() => memory.saveEvents(events)) },
    eraseInstall: { value: (id: string) => stalled(() => memory.eraseInstall(id)) },
    readDays: { value: (from: string, to: string) => stalled(() => memory.readDays(from, to)) },
  }) as Store;
  return {
    memory,
    store,
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

describe('withDeadline', () => {
  test('passes a timely outcome through', async () => {
    await expect(withDeadline(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('boom')), 50)).rejects.toThrow('boom');
  });

  test('rejects with StoreDeadlineError when the call outlives the deadline, not before', async () => {
    // On a fake clock, so the test is about the order of events, not about this machine's timers.
    vi.useFakeTimers();
    try {
      let outcome: unknown = 'pending';
      withDeadline(new Promise<number>(() => {}), 30).catch((error: unknown) => {
        outcome = error;
      });
      await vi.advanceTimersByTimeAsync(29);
      expect(outcome).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toBeInstanceOf(StoreDeadlineError);
    } finally {
      vi.useRealTimers();
    }
  });

  test('a failure after the deadline is not an unhandled rejection', async () => {
    let fail: (error: Error) => void = () => {};
    const late = new Promise<number>((_resolve, reject) => (fail = reject));
    await expect(withDeadline(late, 10)).rejects.toBeInstanceOf(StoreDeadlineError);
    fail(new Error('the store gave up too'));
  });
});

describe('withStoreDeadline', () => {
  test('every call of the decorated store gets the deadline; timely calls pass through', async () => {
    const { memory, store, release } = stalledStore();
    const decorated = withStoreDeadline(store, 30);
    vi.useFakeTimers();
    try {
      const outcomes = [
        decorated.saveEvents([]),
        decorated.eraseInstall('some-install'),
        decorated.readDays('2026-03-01', '2026-03-02'),
      ].map((call) =>
        call.then(
          () => 'answered',
          (error: unknown) => error,
        ),
      );
      await vi.advanceTimersByTimeAsync(30);
      for (const outcome of await Promise.all(outcomes))
        expect(outcome).toBeInstanceOf(StoreDeadlineError);
    } finally {
      vi.useRealTimers();
      release();
    }
    // A method the stalled store does not override answers from the memory store in time.
    expect(memory.events.size).toBe(0);
    await expect(decorated.countEvents('2026-03-10')).resolves.toBe(0);
  });
});

describe('a store that does not answer', () => {
  test('ingest answers 503 + Retry-After at the deadline; the late write makes the retry a duplicate', async () => {
    const { memory, store, release } = stalledStore();
    const h = faultHarness(store, { deadlineMs: DEADLINE_MS, now: NOW });
    const body = heartbeat('slow-install', 'slow-1');
    const answer = await h.post('/v1/events', body);
    expectUnavailable(answer);
    // The store never answered: the 503 is the deadline's, not another failure's.
    const failure = h.logger.lines.find((l) => l.message === 'ingest store failure');
    expect(failure?.fields.reason).toMatch(/^StoreDeadlineError: /);

    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(memory.events.size).toBe(1);
    const retry = h.post('/v1/events', body);
    release();
    expect((await retry).res.body).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  test('erase and the stats API answer 503 + Retry-After at the deadline too', async () => {
    const { store, release } = stalledStore();
    const h = faultHarness(store, { deadlineMs: DEADLINE_MS, now: NOW });
    expectUnavailable(await h.post('/v1/erase', { installId: 'slow-install' }));
    expectUnavailable(await h.getDays('2026-03-01', '2026-03-10'));
    release();
  });

  test('a late failure of the store after the 503 is not an unhandled rejection', async () => {
    const { memory, store, release } = stalledStore();
    const h = faultHarness(store, { deadlineMs: DEADLINE_MS, now: NOW });
    expectUnavailable(await h.post('/v1/events', batchOf('late', 3)));
    memory.failWith = new Error('unavailable');
    release();
  });
});

test('a store failing halfway through a batch: 503, and the retry stores the rest once', async () => {
  const memory = new MemoryStore();
  let failHalfway = true;
  const store: Store = Object.create(memory, {
    saveEvents: {
      value: async (events: StoredEvent[]): Promise<SaveResult> => {
        if (!failHalfway) return memory.saveEvents(events);
        failHalfway = false;
        await memory.saveEvents(events.slice(0, 4));
        throw new Error('unavailable');
      },
    },
  }) as Store;
  const h = faultHarness(store, { deadlineMs: DEADLINE_MS, now: NOW });
  const batch = batchOf('halfway', 10);

  expectUnavailable(await h.post('/v1/events', batch));
  expect(memory.events.size).toBe(4);
  const retry = await h.post('/v1/events', batch);
  expect(retry.res.statusCode).toBe(202);
  expect(retry.res.body).toEqual({ accepted: 6, duplicates: 4, ignoredFields: [] });
  expect(memory.events.size).toBe(10);
  expect((await h.post('/v1/events', batch)).res.body).toMatchObject({
    accepted: 0,
    duplicates: 10,
  });
});
