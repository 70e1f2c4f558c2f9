// Edges of the Netdata adapter that the real bodies in netdata.test.ts do not reach: the install
// id at its limits (the id decides which install an event counts for, and none may be stored),
// which properties an operator is told were dropped, and the failure and attribute rules at their
// boundaries.
import { describe, expect, test } from 'vitest';
import { mapNetdataBody } from '../../../functions/src/compat/netdata.ts';
import type { IncomingEvent } from '../../../functions/src/model/incoming.ts';
import { compatJson as fixture } from '../../support/fixtures.ts';

const AGENT_ID = '4f8a2c1e-9b7d-11ee-8c4a-0242ac120002';

function mapOk(body: unknown): { event: IncomingEvent; ignored: string[] } {
  const result = mapNetdataBody(body);
  if (!result.ok) throw new Error(JSON.stringify(result));
  const [event] = result.events;
  if (!event || result.events.length !== 1) throw new Error('one event expected');
  return { event, ignored: result.ignoredFields };
}

describe('mapNetdataBody: install id edges', () => {
  const body = (properties: Record<string, unknown>) => ({ event: 'START -', properties });
  const mapped = (properties: Record<string, unknown>) => mapNetdataBody(body(properties));

  test.each<[string, string]>([
    ['128 characters', 'a'.repeat(128)],
    ['a number (an old agent printed it bare)', '123456789'],
  ])('an id of %s is the install id', (_name, id) => {
    expect(mapped({ distinct_id: id })).toMatchObject({ ok: true, events: [{ installId: id }] });
  });

  test('a numeric id is read as its digits', () => {
    expect(mapped({ distinct_id: 123456789 })).toMatchObject({
      ok: true,
      events: [{ installId: '123456789' }],
    });
  });

  test.each<[string, string]>([
    ['129 characters', 'a'.repeat(129)],
    ['a NUL', 'abc\u0000def'],
    ['a control character', 'abc\u001fdef'],
    ['DEL', 'abc\u007fdef'],
    ['a tab', 'abc\tdef'],
    ['a lone surrogate', 'abc\uD800def'],
  ])('an id with %s is refused, naming the property', (_name, id) => {
    expect(mapped({ netdata_machine_guid: id })).toMatchObject({
      ok: false,
      message: 'The install id is not usable.',
      issues: [
        {
          path: ['properties', 'netdata_machine_guid'],
          message: 'must be at most 128 characters without spaces or control characters',
        },
      ],
    });
  });

  test('once an id is found, a later unusable one is only not stored', () => {
    for (const later of [{ id: 1 }, ['x'], true, 'a'.repeat(129), 'has space']) {
      const result = mapped({ distinct_id: AGENT_ID, system_distinct_id: later });
      expect(result).toMatchObject({ ok: true, events: [{ installId: AGENT_ID }] });
    }
  });

  test('an object before a usable id is refused with its path', () => {
    expect(mapped({ distinct_id: { id: 1 }, netdata_machine_guid: AGENT_ID })).toMatchObject({
      ok: false,
      issues: [{ path: ['properties', 'distinct_id'], message: 'must be a string' }],
    });
  });

  test('every other id of the machine is returned once, never the install id itself', () => {
    const other = 'b'.repeat(128);
    const result = mapped({
      distinct_id: AGENT_ID,
      netdata_machine_guid: `MACHINE-${other}`,
      system_distinct_id: other,
    });
    expect(result).toMatchObject({
      ok: true,
      events: [{ installId: AGENT_ID, identifiers: [other] }],
    });
  });
});

describe('mapNetdataBody: what the operator is told was dropped', () => {
  // The installer's bodies, every property named: what is read is not reported, what is not
  // read (masking constants, the command line, the run time) is.
  test.each<[string, string[]]>([
    [
      'netdata-installer-success.json',
      [
        'properties.$current_url',
        'properties.$pathname',
        'properties.$host',
        'properties.$ip',
        'properties.script_variant',
        'properties.error_code',
        'properties.error_message',
        'properties.install_options',
        'properties.install_interactivity',
        'properties.install_auto_updates',
        'properties.install_command',
        'properties.total_runtime',
      ],
    ],
    [
      'netdata-installer-crash.json',
      [
        'properties.$current_url',
        'properties.$pathname',
        'properties.$host',
        'properties.$ip',
        'properties.script_variant',
        'properties.install_options',
        'properties.install_interactivity',
        'properties.install_auto_updates',
        'properties.install_command',
        'properties.total_runtime',
      ],
    ],
  ])('%s', (name, ignored) => {
    expect(mapOk(fixture(name)).ignored).toEqual(ignored);
  });

  test('fallbacks that were not needed are read, not reported', () => {
    const { event, ignored } = mapOk({
      event: 'START -',
      properties: {
        netdata_install_type: 'kickstart-static',
        selected_install_method: 'native',
        host_os_id: 'debian',
        host_os_name: 'Debian GNU/Linux',
        host_os_version_id: '12',
        host_os_version: '12 (bookworm)',
      },
    });
    expect(event.product).toEqual({ installMethod: 'kickstart-static' });
    expect(event.platform).toEqual({ os: 'debian', osVersion: '12' });
    expect(ignored).toEqual([]);
  });

  test('fallbacks stand in for what is missing', () => {
    const { event, ignored } = mapOk({
      event: 'START -',
      properties: {
        selected_install_method: 'native',
        host_os_name: 'Red Hat Enterprise Linux',
        host_os_version: '9.3 (Plow)',
      },
    });
    expect(event.product).toEqual({ installMethod: 'native' });
    expect(event.platform).toEqual({ os: 'rhel', osVersion: '9.3' });
    expect(ignored).toEqual([]);
  });

  test('a name no distribution word matches is kept when it has the shape, else reported', () => {
    expect(
      mapOk({ event: 'START -', properties: { host_os_name: 'NixOS' } }).event.platform,
    ).toEqual({ os: 'NixOS' });
    const { event, ignored } = mapOk({
      event: 'START -',
      properties: { host_os_name: 'Some OS', host_os_version: 'rolling release' },
    });
    expect(event.platform).toBeUndefined();
    expect(ignored).toEqual(['properties.host_os_name', 'properties.host_os_version']);
  });

  test('a top-level key other than event and properties is reported', () => {
    expect(mapOk({ event: 'START -', properties: {}, api_key: 'k', extra: 1 }).ignored).toEqual([
      'api_key',
      'extra',
    ]);
  });

  test('an action name without the label shape is reported and stored as "unknown"', () => {
    const { event, ignored } = mapOk({ event: 'UPDATE@@FAILED -', properties: {} });
    expect(event).toMatchObject({ type: 'report', action: 'unknown' });
    expect(ignored).toEqual(['event']);
  });

  test('an action that is an Object.prototype name is a report, not a type', () => {
    for (const action of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      expect(mapOk({ event: `${action} -`, properties: {} }).event).toMatchObject({
        type: 'report',
        action,
      });
    }
  });
});

describe('mapNetdataBody: failures at their edges', () => {
  test.each<[string, Record<string, unknown>, object | undefined]>([
    ['EXIT ok', {}, undefined],
    ['EXIT Ok', {}, undefined],
    ['EXIT -', {}, undefined],
    ['EXIT', {}, undefined],
    ['EXIT SIGTERM', {}, { code: 'SIGTERM' }],
    ['EXIT  killed by\tsignal 9 ', {}, { code: 'killed by signal 9' }],
    ['CRASH -', { netdata_fail_reason: 'line one\nline two' }, { message: 'line one\nline two' }],
    ['CRASH -', { netdata_fail_reason: '' }, undefined],
    [
      'INSTALL_FAILED',
      { error_code: 'F0003', netdata_fail_reason: 'fallback\nreason' },
      { code: 'F0003', message: 'fallback\nreason' },
    ],
    [
      'INSTALL_FAILED',
      { error_message: 'first\nsecond', netdata_fail_reason: 'not this one' },
      { message: 'first\nsecond' },
    ],
    ['INSTALL_FAILED', {}, undefined],
    // A code is one line; only messages keep their line breaks.
    ['INSTALL_FAILED', { error_code: 'F00\n03' }, { code: 'F00 03' }],
    ['FATAL :MAIN', {}, { thread: 'MAIN' }],
    ['FATAL netdata:', {}, { program: 'netdata' }],
    ['FATAL netdata:A:B', {}, { program: 'netdata', thread: 'A:B' }],
    [
      'FATAL netdata:MAIN',
      { netdata_fail_reason: 'reason' },
      {
        program: 'netdata',
        thread: 'MAIN',
        message: 'reason',
      },
    ],
    [
      'FATAL -',
      { action_data: '12@f:g/1', netdata_fail_reason: 'why' },
      {
        line: 12,
        file: 'f',
        function: 'g',
        errno: 1,
        message: 'why',
      },
    ],
    ['FATAL -', { action_data: '12@f:g/1' }, { line: 12, file: 'f', function: 'g', errno: 1 }],
    // Not the agent's location format: the data is kept as the message.
    ['FATAL -', { action_data: '12@f:g/x' }, { message: '12@f:g/x' }],
    ['FATAL -', { action_data: 'x12@f:g/1' }, { message: 'x12@f:g/1' }],
    ['FATAL -', { action_data: '12@f:g/1x' }, { message: '12@f:g/1x' }],
    ['FATAL -', { action_data: '1234567890@f:g/1' }, { message: '1234567890@f:g/1' }],
    ['FATAL -', { action_data: '12@f:g/1234567890' }, { message: '12@f:g/1234567890' }],
    ['FATAL -', { action_data: '12@f:g:h/1' }, { line: 12, file: 'f:g', function: 'h', errno: 1 }],
    ['FATAL -', { action_data: '12@f:g/h/1' }, { message: '12@f:g/h/1' }],
    ['FATAL -', { action_data: '@f:g/1' }, { message: '@f:g/1' }],
    // The location's parts at their bounds: a part out of range is left out.
    [
      'FATAL -',
      { action_data: '123456789@f:g/-100000' },
      {
        // 123456789 is past the largest line: left out.
        file: 'f',
        function: 'g',
        errno: -100000,
      },
    ],
    [
      'FATAL -',
      { action_data: '10000000@f:g/100001' },
      { line: 10_000_000, file: 'f', function: 'g' },
    ],
    ['FATAL -', { action_data: '10000001@:/-100001' }, undefined],
    [
      'FATAL -',
      { action_data: '0@dir/a b:fn x/0' },
      { line: 0, file: 'dir/a b', function: 'fn x', errno: 0 },
    ],
  ])('%s with %j → %j', (event, properties, failure) => {
    const mapped = mapOk({ event, properties }).event.failure;
    expect(mapped).toEqual(failure);
  });
});

describe('mapNetdataBody: attributes at their edges', () => {
  const attributes = (properties: Record<string, unknown>) =>
    mapOk({ event: 'META -', properties });

  test.each<[unknown, number | undefined]>([
    [0, undefined],
    [-1, undefined],
    [1, 0],
    [2 ** 29, 1],
    [2 ** 30, 1],
    [1.5 * 2 ** 30, 2],
    [1.49 * 2 ** 30, 1],
    ['17179869184', 16],
    [1e18, Math.round(1e18 / 2 ** 30)],
    [1e18 + 2 ** 40, undefined],
  ])('system_total_ram %j bytes → memory_gib %j', (ram, gib) => {
    expect(attributes({ system_total_ram: ram }).event.attributes?.memory_gib).toBe(gib);
  });

  test.each<[unknown, number | undefined]>([
    [0, undefined],
    [1, 1],
    [1_000_000, 1_000_000],
    [1_000_001, undefined],
    ['2.5', undefined],
  ])('system_cpu_logical_cpu_count %j → cpu_cores %j', (count, cores) => {
    expect(attributes({ system_cpu_logical_cpu_count: count }).event.attributes?.cpu_cores).toBe(
      cores,
    );
  });

  test.each<[unknown, number | undefined]>([
    [-1, undefined],
    [0, 0],
    [1e9, 1e9],
    [1e9 + 1, undefined],
  ])('mirrored_host_count %j → mirrored_hosts %j', (count, hosts) => {
    expect(attributes({ mirrored_host_count: count }).event.attributes?.mirrored_hosts).toBe(hosts);
  });

  test('a value that carries nothing is dropped without a report; junk is reported', () => {
    const { event, ignored } = attributes({
      system_total_ram: 'unknown',
      system_cpu_logical_cpu_count: '',
      mirrored_host_count: null,
      cloud_provider_type: 'N/A',
      event_source: 'two  spaces',
    });
    expect(event.attributes).toBeUndefined();
    expect(ignored).toEqual(['properties.event_source']);
  });

  test("the Netdata name of an attribute wins over a property of the attribute's own name", () => {
    const { event, ignored } = attributes({ cpu_cores: 2, system_cpu_logical_cpu_count: 8 });
    expect(event.attributes).toEqual({ cpu_cores: 8 });
    expect(ignored).toEqual(['properties.cpu_cores']);
  });

  test('a property named like an allowed attribute is read as that attribute', () => {
    const { event, ignored } = attributes({ php_version: '8.2.7', database: 'dbengine' });
    expect(event.attributes).toEqual({ php_version: '8.2.7', database: 'dbengine' });
    expect(ignored).toEqual([]);
  });

  test("a value of the wrong kind for the deployment's attribute is dropped and reported", () => {
    const result = mapNetdataBody(
      { event: 'META -', properties: { system_cpu_logical_cpu_count: 4 } },
      { cpu_cores: { kind: 'string', title: 'Cores', description: 'cores', published: true } },
    );
    expect(result).toMatchObject({
      ok: true,
      ignoredFields: ['properties.system_cpu_logical_cpu_count'],
    });
    if (result.ok) expect(result.events[0]?.attributes).toBeUndefined();
  });
});
