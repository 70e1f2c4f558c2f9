// The privacy pipeline on single events, as stored: the accepted time window to the millisecond,
// every free-text field of a failure scrubbed, the day an event counts for, its expiry, and ids
// that make a resend the same document whatever the key order.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { prepareEvent, type PrepareContext } from '../../../functions/src/ingest/prepare.ts';
import type { IncomingEvent } from '../../../functions/src/model/incoming.ts';
import {
  contentId,
  pseudonymise,
  unlinkableId,
} from '../../../functions/src/identity/pseudonym.ts';
import { findProof } from '../../../functions/src/ingest/proof-of-work.ts';
import { STORED_SYSDESCR_MAX } from '../../../shared/schema/limits.ts';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const HOUR = 3_600_000;
const { lateArrivalHours, clockSkewMinutes, eventRetentionDays } = deploymentConfig;
const ctx: PrepareContext = {
  secret: 'prepare-secret',
  now: NOW,
  config: deploymentConfig,
  source: 'v1',
};

function prepare(event: Partial<IncomingEvent>, context: Partial<PrepareContext> = {}) {
  return prepareEvent({ installId: 'install-1', type: 'heartbeat', ...event }, ['events', 0], {
    ...ctx,
    ...context,
  });
}

function stored(event: Partial<IncomingEvent>, context: Partial<PrepareContext> = {}) {
  const prepared = prepare(event, context);
  if (!prepared.ok) throw new Error(prepared.issue.message);
  return prepared.event;
}

describe('the accepted time window', () => {
  const earliest = NOW - lateArrivalHours * HOUR;
  const latest = NOW + clockSkewMinutes * 60_000;
  test.each([
    ['the earliest accepted time', earliest, '2026-03-07'],
    ['one millisecond later', earliest + 1, '2026-03-07'],
    ['the server time', NOW, '2026-03-10'],
    ['the latest accepted time (clock skew)', latest, '2026-03-10'],
  ])('%s is stored on its own day', (_name, at, day) => {
    expect(stored({ time: new Date(at).toISOString() }).day).toBe(day);
  });

  test.each([
    ['one millisecond before the earliest', earliest - 1],
    ['one millisecond after the latest', latest + 1],
  ])('%s is refused at events[0].time, saying the window', (_name, at) => {
    const prepared = prepare({ time: new Date(at).toISOString() });
    expect(prepared).toEqual({
      ok: false,
      issue: {
        path: ['events', 0, 'time'],
        message: `time must lie between ${lateArrivalHours} hours before and ${clockSkewMinutes} minutes after the server time (2026-03-10T12:00:00.000Z); omit it to use the server time`,
      },
    });
  });

  test('a time that is no date is refused', () => {
    expect(prepare({ time: 'not a time' }).ok).toBe(false);
  });

  test('without a time the event counts for the server day', () => {
    expect(stored({}).day).toBe('2026-03-10');
  });
});

describe('what is stored besides the content', () => {
  test('received at the server time, expiring after the retention period, with its source', () => {
    const event = stored({}, { source: 'netdata' });
    expect(event.receivedAt).toBe(NOW);
    expect(event.expireAt).toBe(NOW + eventRetentionDays * 24 * HOUR);
    expect(event.source).toBe('netdata');
    expect(event.install).toBe(pseudonymise(ctx.secret, 'install-1'));
  });
});

describe('what is stored, and what the answer says was ignored', () => {
  test('only what the client sent is stored: no field is left undefined', () => {
    const event = stored({ type: 'report', devices: [{ count: 2 }] });
    expect(Object.keys(event).sort()).toEqual([
      'day',
      'devices',
      'expireAt',
      'id',
      'install',
      'receivedAt',
      'source',
      'type',
    ]);
    expect(Object.keys(event.devices?.[0] ?? {})).toEqual(['count']);
  });

  test("a device's sysDescr is scrubbed and cut to its stored length", () => {
    const sysDescr = `Linux gw 10.0.0.7 admin@example.com ${'x'.repeat(1_000)}`;
    const event = stored({ type: 'report', devices: [{ count: 1, sysDescr }] });
    const stored0 = event.devices?.[0]?.sysDescr ?? '';
    expect(stored0.startsWith('Linux <host> <ip> <email> xxx')).toBe(true);
    expect(stored0.length).toBeLessThanOrEqual(STORED_SYSDESCR_MAX);
    expect(stored0.endsWith('\u2026')).toBe(true);
  });

  test('attributes the deployment does not allow and fields without their shape are named', () => {
    const prepared = prepare({
      type: 'report',
      action: 'not an action!',
      attributes: { cpu_cores: 4, favourite_colour: 'red' },
    });
    if (!prepared.ok) throw new Error(prepared.issue.message);
    expect(prepared.ignoredFields).toEqual(['action', 'attributes.favourite_colour']);
    expect(prepared.event.attributes).toEqual({ cpu_cores: 4 });
    const plain = prepare({});
    expect(plain.ok && plain.ignoredFields).toEqual([]);
  });

  describe('a proof of work: only whether it held is stored', () => {
    const difficulty = 8;
    const config = {
      ...deploymentConfig,
      screening: { ...deploymentConfig.screening, proofOfWork: { difficulty } },
    };
    const proof = findProof('install-1', difficulty);
    const other = findProof('install-2', difficulty);
    test.each<[string, Partial<IncomingEvent>, boolean]>([
      ['a proof that holds for the install', { proof }, true],
      ['the same install id in another form', { installId: ' INSTALL-1 ', proof }, true],
      ["another install's proof", { proof: other }, false],
      ['an opt-out: no pseudonym, so nothing to prove', { type: 'opt_out', proof }, false],
      ['no install id', { installId: null, proof }, false],
    ])('%s', (_name, event, held) => {
      const prepared = prepare(event, { config });
      if (!prepared.ok) throw new Error(prepared.issue.message);
      expect(prepared.event.proof).toBe(held ? true : undefined);
      expect('proof' in prepared.event).toBe(held);
      expect(prepared.ignoredFields).toEqual(held ? [] : ['proof']);
    });

    test('no proof: nothing stored, nothing ignored', () => {
      const prepared = prepare({}, { config });
      expect(prepared.ok && 'proof' in prepared.event).toBe(false);
      expect(prepared.ok && prepared.ignoredFields).toEqual([]);
    });
  });
});

describe('failure fields are free text: every one is scrubbed', () => {
  test.each(['message', 'code', 'program', 'thread', 'function', 'file'] as const)(
    'failure.%s loses the address and the e-mail address in it',
    (field) => {
      const event = stored({
        type: 'crash',
        failure: { [field]: 'at 192.168.10.20 for alice@example.com' },
      });
      expect(event.failure?.[field]).toBe('at <ip> for <email>');
    },
  );

  test('fields the client did not send stay absent', () => {
    const event = stored({ type: 'crash', failure: { code: 'E1', line: 12 } });
    expect(event.failure).toEqual({ code: 'E1', line: 12 });
  });

  test('a long failure field is cut to its stored length', () => {
    const event = stored({ type: 'crash', failure: { program: 'x'.repeat(5_000) } });
    const program = event.failure?.program ?? '';
    expect(program.length).toBeLessThan(5_000);
    expect(program.endsWith('\u2026')).toBe(true);
  });
});

describe('document ids: a resend is the same document', () => {
  test('the same content with attributes in another key order gets the same id', () => {
    // Two attributes the deployment allows (homecall.config.ts).
    const one = stored({ attributes: { cpu_cores: 4, memory_gib: 8 } });
    const two = stored({ attributes: { memory_gib: 8, cpu_cores: 4 } });
    expect(one.attributes).toEqual({ cpu_cores: 4, memory_gib: 8 });
    expect(one.id).toBe(two.id);
    expect(stored({ attributes: { cpu_cores: 4, memory_gib: 16 } }).id).not.toBe(one.id);
  });

  test('the same eventId of the same install is the same id whatever the content', () => {
    const one = stored({ eventId: 'e-1', product: { version: '1.0.0' } });
    const two = stored({ eventId: 'e-1', product: { version: '2.0.0' } });
    expect(one.id).toBe(two.id);
    expect(stored({ eventId: 'e-2' }).id).not.toBe(one.id);
    expect(stored({ eventId: 'e-1', installId: 'install-2' }).id).not.toBe(one.id);
  });

  test('an opt-out keeps no pseudonym, and its id changes with the install', () => {
    const optOut = stored({ type: 'opt_out', eventId: 'o-1' });
    expect(optOut.install).toBeNull();
    expect(optOut.id).not.toBe(stored({ type: 'opt_out', eventId: 'o-1', installId: 'x' }).id);
  });
});

describe('the document id scheme is pinned: a resend after a deploy is still the same document', () => {
  const install = pseudonymise(ctx.secret, 'install-1');
  test.each<[string, Partial<IncomingEvent>, Partial<PrepareContext>, string]>([
    ['install and eventId', { eventId: 'e-1' }, {}, contentId('id', install, 'e-1')],
    [
      'install, no eventId: its day and content',
      {},
      {},
      contentId('content', install, '2026-03-10', '{"type":"heartbeat"}'),
    ],
    [
      'an opt-out: keyed on the raw id, never the pseudonym',
      { type: 'opt_out', eventId: 'o-1' },
      {},
      unlinkableId(ctx.secret, 'opt_out', 'install-1', 'o-1'),
    ],
    [
      'an opt-out without eventId: one per day',
      { type: 'opt_out' },
      {},
      unlinkableId(ctx.secret, 'opt_out', 'install-1', '2026-03-10'),
    ],
    [
      'no install id, an eventId',
      { installId: null, eventId: 'e-9' },
      { source: 'cleaninsights' },
      contentId('anonymous', 'cleaninsights', 'e-9'),
    ],
    [
      'no install id, no eventId: the request content',
      { installId: null },
      { source: 'cleaninsights', requestKey: () => 'body#0' },
      unlinkableId(ctx.secret, 'anonymous-content', 'cleaninsights', '2026-03-10', 'body#0'),
    ],
  ])('%s', (_name, event, context, id) => {
    expect(stored(event, context).id).toBe(id);
  });

  test('no install id, no eventId and no request: a fresh id each time', () => {
    const one = stored({ installId: null });
    expect(one.id).toMatch(/^[0-9a-f]{40}$/);
    expect(stored({ installId: null }).id).not.toBe(one.id);
  });
});

describe("the install's own ids leave every stored string", () => {
  const ID = '4f8a2c1e-9b7d-11ee-8c4a-0242ac120002';
  const GUID = 'b6d1e9f0c3a2';
  const forms = [ID, ID.toUpperCase(), ID.replaceAll('-', ''), GUID];
  const clean = (event: ReturnType<typeof stored>) => {
    const text = JSON.stringify(event).toLowerCase();
    for (const form of forms) expect(text).not.toContain(form.toLowerCase());
  };

  test.each<[string, Partial<IncomingEvent>, (e: ReturnType<typeof stored>) => unknown]>([
    [
      'in a failure message',
      { type: 'crash', failure: { message: `crash of ${ID}` } },
      (e) => e.failure?.message,
    ],
    [
      'in a failure file',
      { type: 'crash', failure: { file: `/var/${GUID}/x.c` } },
      (e) => e.failure?.file,
    ],
    [
      'in a device description (an array of objects)',
      { type: 'report', devices: [{ count: 1, sysDescr: `box ${ID.toUpperCase()}` }] },
      (e) => e.devices?.[0]?.sysDescr,
    ],
  ])('%s', (_name, event, field) => {
    const out = stored({ installId: ID, identifiers: [GUID], ...event });
    clean(out);
    expect(String(field(out))).toContain('<install-id>');
  });

  test('in an action: the redacted action no longer fits its shape and is dropped', () => {
    const out = stored({
      installId: ID,
      identifiers: [GUID],
      type: 'report',
      action: `sync-${GUID}`,
    });
    clean(out);
    expect(out.action).toBeUndefined();
    expect(stored({ type: 'report', action: 'sync-all' }).action).toBe('sync-all');
  });

  test('in a counter key (an object key)', () => {
    const out = stored({
      installId: ID,
      identifiers: [GUID],
      type: 'report',
      counters: { [`os.${GUID}`]: 3, 'os.linux': 2 },
    });
    clean(out);
    expect(out.counters).toEqual({ 'os.linux': 2 });
  });

  test('an install id spelled like an event type leaves the type alone', () => {
    for (const type of ['heartbeat', 'crash'] as const) {
      const out = stored({ installId: type, type, failure: { message: `the ${type} of it` } });
      expect(out.type).toBe(type);
      expect(out.install).toBe(pseudonymise(ctx.secret, type));
      expect(out.failure?.message).toBe('the <install-id> of it');
    }
  });

  test('an event that holds none of its ids is stored as sent', () => {
    const out = stored({
      installId: ID,
      identifiers: [GUID],
      type: 'crash',
      failure: { message: 'plain crash' },
      counters: { 'os.linux': 2 },
    });
    expect(out.failure).toEqual({ message: 'plain crash' });
    expect(out.counters).toEqual({ 'os.linux': 2 });
  });
});
