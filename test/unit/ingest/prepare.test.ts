// The privacy pipeline on single events, as stored: the accepted time window to the millisecond,
// every free-text field of a failure scrubbed, the day an event counts for, its expiry, and ids
// that make a resend the same document whatever the key order.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { prepareEvent, type PrepareContext } from '../../../functions/src/ingest/prepare.ts';
import type { IncomingEvent } from '../../../functions/src/model/incoming.ts';
import { pseudonymise } from '../../../functions/src/identity/pseudonym.ts';

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
