// The hostile-input corpus (test/fixtures/hostile/cases.json) against every ingest endpoint:
// each case gets exactly the status a reading of the handler implies, every 4xx carries the one
// error shape and leaves the store untouched, and nothing throws or rejects unhandled.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { createRateLimiter } from '../../../functions/src/http/rate-limit.ts';
import { createIngestHandler } from '../../../functions/src/ingest/handler.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import {
  FakeResponse,
  expectErrorBody,
  fakeClock,
  fakeRequest,
  recordingLogger,
} from '../../support/http-fakes.ts';

/** Builds a body too large (or too repetitive) to store in the corpus. */
type Generator =
  /** `base` padded with spaces (or `padByte`) to exactly `bytes` bytes. */
  | { kind: 'oversize'; bytes: number; base?: string; padByte?: number }
  /** `depth` nested arrays or objects, put in place of `@@` in `template`. */
  | { kind: 'deep'; depth: number; shape: 'array' | 'object'; template?: string }
  /** `length` copies of `char` (default "a") in place of `@@` in `template`. */
  | { kind: 'hugeString'; length: number; template: string; char?: string }
  /** A canonical batch of `count` distinct events. */
  | { kind: 'manyEvents'; count: number }
  /** `count` copies of `item` (`{i}` → index) joined by `sep`, in place of `@@` in `template`. */
  | { kind: 'repeat'; count: number; template: string; item: string; sep: string };

interface HostileCase {
  name: string;
  category: string;
  method: string;
  path: string;
  contentType: string | null;
  body?: string;
  bodyBase64?: string;
  generate?: Generator;
  expectStatus: number;
  /** Field names the answer's ignoredFields must list (a value dropped for its shape). */
  expectIgnored?: string[];
  /** Text that no stored document may contain afterwards (an address, an id, a secret). */
  expectNotStored?: string[];
  /** The request must leave every stored document as it was (e.g. an erase of nothing). */
  expectStoreUnchanged?: boolean;
  /** How many events are stored afterwards (the seed event is one). */
  expectStoredEvents?: number;
  skipReason?: string;
}

const CASES = JSON.parse(
  readFileSync(new URL('../../fixtures/hostile/cases.json', import.meta.url), 'utf8'),
) as HostileCase[];

const START = '2026-11-20T12:00:00Z';
const SEED_EVENT = { schema: 1, installId: 'seed-install', type: 'heartbeat' };

function fill(template: string, value: string): string {
  const at = template.indexOf('@@');
  if (at < 0) throw new Error(`template without @@: ${template.slice(0, 60)}`);
  return template.slice(0, at) + value + template.slice(at + 2);
}

function generate(spec: Generator): Buffer {
  switch (spec.kind) {
    case 'oversize': {
      const base = Buffer.from(spec.base ?? JSON.stringify(SEED_EVENT), 'utf8');
      if (base.length > spec.bytes) throw new Error('oversize base is longer than bytes');
      const pad = Buffer.alloc(spec.bytes - base.length, spec.padByte ?? 0x20);
      return Buffer.concat([base, pad]);
    }
    case 'deep': {
      const [open, close] = spec.shape === 'array' ? ['[', ']'] : ['{"a":', '}'];
      const inner = spec.shape === 'array' ? '' : '1';
      const nested = open.repeat(spec.depth) + inner + close.repeat(spec.depth);
      return Buffer.from(fill(spec.template ?? '@@', nested), 'utf8');
    }
    case 'hugeString':
      return Buffer.from(fill(spec.template, (spec.char ?? 'a').repeat(spec.length)), 'utf8');
    case 'manyEvents': {
      const events = Array.from({ length: spec.count }, (_, i) => ({
        schema: 1,
        installId: 'a',
        type: 'start',
        eventId: `e${i}`,
      }));
      return Buffer.from(JSON.stringify({ events }), 'utf8');
    }
    case 'repeat': {
      const items = Array.from({ length: spec.count }, (_, i) =>
        spec.item.replaceAll('{i}', String(i)),
      );
      return Buffer.from(fill(spec.template, items.join(spec.sep)), 'utf8');
    }
  }
}

function bodyOf(c: HostileCase): Buffer | string | undefined {
  if (c.bodyBase64 !== undefined) return Buffer.from(c.bodyBase64, 'base64');
  if (c.generate !== undefined) return generate(c.generate);
  return c.body;
}

async function setup() {
  const store = new MemoryStore();
  const logger = recordingLogger();
  const handler = createIngestHandler({
    store,
    secret: () => 'hostile-secret',
    clock: fakeClock(START).now,
    config: deploymentConfig,
    log: logger.log,
    rateLimiter: createRateLimiter({ perSecond: 1e9, burst: 1e9 }),
  });
  // One event already stored, so a request that wrongly erased or overwrote would show.
  const seeded = new FakeResponse();
  await handler(fakeRequest({ path: '/v1/events', body: JSON.stringify(SEED_EVENT) }), seeded);
  expect(seeded.statusCode).toBe(202);
  logger.lines.length = 0;
  return { store, handler, logger };
}

function snapshot(store: MemoryStore): string {
  return JSON.stringify([
    [...store.events],
    [...store.pages],
    [...store.erasures],
    [...store.days],
  ]);
}

const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};

beforeAll(() => {
  process.on('unhandledRejection', onRejection);
});

afterAll(() => {
  process.off('unhandledRejection', onRejection);
  expect(rejections).toEqual([]);
});

describe('the hostile-input corpus', () => {
  test('holds at least 200 distinct cases with one kind of body each', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(200);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    for (const c of CASES) {
      const kinds = [c.body, c.bodyBase64, c.generate].filter((v) => v !== undefined);
      expect(kinds.length, c.name).toBeLessThanOrEqual(1);
      expect(c.expectStatus, c.name).toBeGreaterThanOrEqual(200);
      expect(c.expectStatus, c.name).toBeLessThan(500);
    }
  });

  const run = CASES.filter((c) => c.skipReason === undefined);
  const skipped = CASES.filter((c) => c.skipReason !== undefined);

  test.each(run.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { store, handler, logger } = await setup();
    const before = snapshot(store);
    const res = new FakeResponse();
    const req = fakeRequest({
      method: c.method,
      path: c.path,
      body: bodyOf(c),
      contentType: c.contentType,
    });
    await expect(handler(req, res)).resolves.toBeUndefined();
    expect(res.ending, 'the response was finished').toBeDefined();
    expect(res.statusCode, JSON.stringify(res.body)?.slice(0, 500)).toBe(c.expectStatus);
    expect(logger.lines.filter((l) => l.severity === 'ERROR')).toEqual([]);
    if (c.expectStatus >= 400) {
      expectErrorBody(res, c.expectStatus);
      expect(snapshot(store)).toBe(before);
    }
    if (c.expectStatus === 405) expect(res.header('Allow')).toBe('POST');
    if (c.expectIgnored) {
      const ignored = (res.body as { ignoredFields?: string[] } | undefined)?.ignoredFields;
      expect(ignored).toEqual(expect.arrayContaining(c.expectIgnored));
    }
    const after = snapshot(store);
    for (const text of c.expectNotStored ?? []) expect(after).not.toContain(text);
    if (c.expectNotStored) expect(after).not.toBe(before);
    if (c.expectStoreUnchanged) expect(after).toBe(before);
    if (c.expectStoredEvents !== undefined) expect(store.events.size).toBe(c.expectStoredEvents);
  });

  if (skipped.length > 0) {
    test.skip.each(skipped.map((c) => [c.name, c.skipReason] as const))('%s (%s)', () => {});
  }
});
