import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { mapLibreNmsClear, mapLibreNmsLog } from '../../../functions/src/compat/librenms.ts';
import type { AdapterResult, IncomingEvent } from '../../../functions/src/model/incoming.ts';
import { compatText as read } from '../../support/fixtures.ts';
import { expectCanonical as expectCanonicalEvents } from '../../support/adapter-results.ts';

/** The shared rules of an adapter's events, and what this adapter promises of each. */
const expectCanonical = (result: AdapterResult) =>
  expectCanonicalEvents(result, (event) => {
    expect(event.installId).not.toBeNull();
    expect(event.identifiers).toBeUndefined();
  });

const form = (name: string) => new URLSearchParams(read(name));
/** A body as LibreNMS\Util\Stats sends it: Laravel's asForm() with json_encode()d data. */
const statsForm = (json: unknown) =>
  new URLSearchParams({ data: JSON.stringify(json).replaceAll('/', '\\/') });

function mapOne(body: URLSearchParams): { event: IncomingEvent; ignoredFields: string[] } {
  const result = mapLibreNmsLog(body);
  expect(result.ok, JSON.stringify(result)).toBe(true);
  if (!result.ok) throw new Error('unreachable');
  expect(result.source).toBe('librenms');
  expect(result.events).toHaveLength(1);
  expectCanonical(result);
  const [event] = result.events;
  if (!event) throw new Error('unreachable');
  return { event, ignoredFields: result.ignoredFields };
}

describe('mapLibreNmsLog: the daily report of LibreNMS\\Util\\Stats', () => {
  const { event, ignoredFields } = mapOne(form('librenms-daily.form'));

  test('the form body decodes to the same report as the readable fixture', () => {
    expect(JSON.parse(form('librenms-daily.form').get('data') ?? '')).toEqual(
      JSON.parse(read('librenms-daily.json')),
    );
  });

  test.each<[string, unknown]>([
    ['installId', '9b2f6c1e-3d4a-4f5b-8c7d-1e2f3a4b5c6d'],
    ['type', 'report'],
    ['action', undefined],
    ['product', { version: '24.1.0', channel: 'release' }],
    ['platform', { os: 'debian', osVersion: '12' }],
    [
      'attributes',
      {
        // The engine name LibreNMS puts first is the database attribute; the rest the version.
        mysql_version: '10.11.6-MariaDB-0+deb12u1',
        database: 'mariadb',
        php_version: '8.2.7',
        python_version: '3.11.2',
        rrdtool_version: '1.7.2',
        netsnmp_version: '5.9.3',
      },
    ],
    ['failure', undefined],
    ['modules', undefined],
    ['time', undefined],
  ])('%s', (field, expected) => {
    expect(event[field as keyof IncomingEvent]).toEqual(expected);
  });

  test.each<[string, number]>([
    ['alert_rules.critical', 14],
    ['alert_rules.warning', 6],
    ['alert_templates.total', 3],
    ['cef.total', 0],
    ['os.linux', 30],
    ['os.ios', 9],
    ['type.server', 30],
    ['type.(none)', 2],
    ['hardware.Generic_x86_64-bit', 24],
    ['hardware.CCR2004-16G-2S+', 3],
    ['hardware.(none)', 19],
    ['mempool.Physical_memory', 41],
    ['snmp_version.v2c', 47],
    ['snmp_version.v3', 5],
    ['port_ifspeed.1000', 1931],
    ['port_type.ethernetCsmacd', 2311],
    ['arch.amd64', 5214],
    ['vmware.total', 19],
    ['xdp.lldp', 64],
  ])('counter %s = %d', (key, total) => {
    expect(event.counters?.[key]).toBe(total);
  });

  test('counters cover every count group and nothing else', () => {
    const groups = new Set(Object.keys(event.counters ?? {}).map((key) => key.split('.')[0]));
    // Empty groups (bills, sla, ...) give no counter; static facts are not counters.
    for (const group of [
      'bills',
      'sla',
      'toner',
      'php_version',
      'librenms_release',
      'os_version',
      'dbschema',
      'database_version',
    ]) {
      expect(groups.has(group)).toBe(false);
    }
    expect(Object.keys(event.counters ?? {})).toHaveLength(71);
    expect(ignoredFields).toEqual(['data.dbschema']);
  });

  test('info rows become devices, kept as sent for the scrubbing pipeline', () => {
    expect(event.devices).toEqual([
      {
        count: 24,
        os: 'linux',
        sysDescr:
          'Linux hostname 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64',
        sysObjectID: '.1.3.6.1.4.1.8072.3.2.10',
      },
      {
        count: 6,
        os: 'ios',
        sysDescr:
          'Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E7, RELEASE SOFTWARE (fc1)\nTechnical Support: http://www.cisco.com/techsupport\nCopyright (c) 1986-2022 by Cisco Systems, Inc.\nCompiled Fri 26-Aug-22 03:11 by mcpre',
        sysObjectID: '.1.3.6.1.4.1.9.1.1208',
      },
      {
        count: 3,
        os: 'routeros',
        sysDescr: 'RouterOS CCR2004-16G-2S+',
        sysObjectID: '.1.3.6.1.4.1.14988.1',
      },
      {
        count: 2,
        os: 'unifi',
        sysDescr: 'UAP-AC-Pro-Gen2 6.5.62.14789 s/n 0a1b2c3d4e5f',
        sysObjectID: '.1.3.6.1.4.1.41112',
      },
    ]);
  });
});

describe('mapLibreNmsLog: other shapes real installs send', () => {
  test('the 2016 callback.php body: JSON not URL-encoded, counts as strings, SQL expressions as columns', () => {
    const { event, ignoredFields } = mapOne(form('librenms-legacy-callback.form'));
    expect(event).toEqual({
      installId: '5a3f1c2b9d8e7',
      type: 'report',
      counters: {
        'alert_rules.critical': 3,
        'alert_templates.total': 1,
        'full_type.ios,_WS-C2960-24TT-L,_network': 2,
        'os.ios': 2,
        'os.linux': 12,
        'port_ifspeed.1000': 40,
        'vmware.total': 0,
      },
    });
    expect(ignoredFields).toEqual(['data.dbschema']);
  });

  test.each<[string, unknown, object]>([
    [
      'master branch',
      { librenms_release: [{ total: 1, release: 'master' }] },
      { product: { version: 'master', channel: 'master' } },
    ],
    [
      'MySQL server',
      { database_version: [{ total: 1, version: 'MySQL 8.0.36' }] },
      { attributes: { mysql_version: '8.0.36', database: 'mysql' } },
    ],
    [
      'older mysql_version group',
      { mysql_version: [{ total: '1', version: '10.3.39-MariaDB' }] },
      { attributes: { mysql_version: '10.3.39-MariaDB' } },
    ],
    [
      'Ubuntu',
      { os_version: [{ total: 1, version: 'Ubuntu 22.04' }] },
      { platform: { os: 'ubuntu', osVersion: '22.04' } },
    ],
    [
      'Red Hat',
      { os_version: [{ total: 1, version: 'Red Hat Enterprise Linux 9.3' }] },
      { platform: { os: 'rhel', osVersion: '9.3' } },
    ],
    [
      'an unknown OS name',
      { os_version: [{ total: 1, version: 'Plan 9' }] },
      { platform: { os: 'Plan', osVersion: '9' } },
    ],
    [
      'a snmp_version count group is not a version fact',
      { snmp_version: [{ total: 3, snmpver: 'v1' }] },
      { counters: { 'snmp_version.v1': 3 } },
    ],
    [
      'dots and spaces in names',
      { 'my.group name': [{ total: 2, descr: 'a b\tc' }] },
      { counters: { 'my_group_name.a_b_c': 2 } },
    ],
    [
      'rows that collide add up',
      {
        os: [
          { total: 2, os: 'a b' },
          { total: 3, os: 'a_b' },
        ],
      },
      { counters: { 'os.a_b': 5 } },
    ],
    ['empty data as a PHP empty array', [], {}],
  ])('%s', (_name, data, expected) => {
    const { event } = mapOne(statsForm({ uuid: 'u-1', data }));
    expect(event).toEqual({ installId: 'u-1', type: 'report', ...expected });
  });

  test('versions that are not allowed attributes are dropped and named', () => {
    const result = mapLibreNmsLog(
      statsForm({
        uuid: 'u',
        data: {
          php_version: [{ total: 1, version: '8.1' }],
          go_version: [{ total: 1, version: '1.22' }],
        },
      }),
      { php_version: { kind: 'string', title: 'PHP', description: 'php', published: true } },
    );
    expect(result).toMatchObject({
      ok: true,
      events: [{ attributes: { php_version: '8.1' } }],
      ignoredFields: ['data.go_version'],
    });
  });

  test('bad rows are skipped and named, the rest is kept', () => {
    const { event, ignoredFields } = mapOne(
      statsForm({
        uuid: 'u',
        data: {
          os: [
            { total: 'many', os: 'x' },
            { total: -1, os: 'y' },
            { total: 1.5, os: 'z' },
            'row',
            { total: 4, os: { n: 1 } },
            { total: 7, os: 'ok' },
          ],
          odd: 'not rows',
        },
        info: [{ count: 'x' }, { count: '3', os: 'linux', sysDescr: null }, 5],
        extra: true,
      }),
    );
    expect(event.counters).toEqual({ 'os.ok': 7 });
    expect(event.devices).toEqual([{ count: 3, os: 'linux' }]);
    expect(ignoredFields).toEqual([
      'data.extra',
      'data.os[0]',
      'data.os[1]',
      'data.os[2]',
      'data.os[3]',
      'data.os[4]',
      'data.odd',
      'info[0]',
      'info[2]',
    ]);
  });

  test('more than 500 counters keep the 500 largest', () => {
    const rows = Array.from({ length: 600 }, (_, i) => ({ total: i, hardware: `model-${i}` }));
    const { event, ignoredFields } = mapOne(statsForm({ uuid: 'u', data: { hardware: rows } }));
    expect(Object.keys(event.counters ?? {})).toHaveLength(500);
    expect(event.counters?.['hardware.model-599']).toBe(599);
    expect(event.counters?.['hardware.model-99']).toBeUndefined();
    expect(ignoredFields).toHaveLength(100);
  });

  test('over-long keys and free text are cut; a value too long for its shape is dropped', () => {
    const { event, ignoredFields } = mapOne(
      statsForm({
        uuid: 'u',
        data: {
          ['g'.repeat(300)]: [{ total: 1, v: 'v'.repeat(500) }],
          php_version: [{ total: 1, version: '8'.repeat(400) }],
        },
        info: [
          {
            count: 1,
            os: 'o'.repeat(100),
            sysDescr: 'd'.repeat(5000),
            sysObjectID: '.1'.repeat(200),
          },
        ],
      }),
    );
    const [key] = Object.keys(event.counters ?? {});
    expect(key?.length).toBe(128);
    expect(key?.startsWith(`${'g'.repeat(48)}.`)).toBe(true);
    expect(event.attributes?.php_version).toHaveLength(200);
    expect(event.devices?.[0]).toEqual({ count: 1, sysDescr: 'd'.repeat(1024) });
    expect(ignoredFields).toEqual(['info[0].os', 'info[0].sysObjectID']);
  });

  test.each<[string, URLSearchParams, (string | number)[]]>([
    ['no data field', new URLSearchParams('uuid=x'), ['data']],
    ['data is not JSON', new URLSearchParams('data={"uuid":'), ['data']],
    ['data is a string', statsForm('hello'), ['data']],
    ['no uuid', statsForm({ data: {} }), ['data', 'uuid']],
    ['blank uuid', statsForm({ uuid: '  ', data: {} }), ['data', 'uuid']],
    ['uuid too long', statsForm({ uuid: 'u'.repeat(129) }), ['data', 'uuid']],
    ['uuid with spaces', statsForm({ uuid: 'a b' }), ['data', 'uuid']],
    ['data not an object', statsForm({ uuid: 'u', data: 'x' }), ['data', 'data']],
    ['info not an array', statsForm({ uuid: 'u', info: {} }), ['data', 'info']],
    [
      '__proto__ key',
      new URLSearchParams({ data: '{"uuid":"u","data":{"__proto__":[]}}' }),
      ['data', 'data', '__proto__'],
    ],
    [
      'nesting too deep',
      statsForm({ uuid: 'u', data: { g: [{ total: 1, v: [[[[[[[[1]]]]]]]] }] } }),
      ['data', 'data', 'g', 0, 'v', 0, 0, 0, 0],
    ],
  ])('junk is rejected with a path: %s', (_name, body, path) => {
    const result = mapLibreNmsLog(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message.length).toBeGreaterThan(0);
    expect(result.issues[0]?.path).toEqual(path);
  });
});

describe('mapLibreNmsClear', () => {
  test('the clear form gives the install id to erase', () => {
    expect(mapLibreNmsClear(form('librenms-clear.form'))).toEqual({
      ok: true,
      installId: '9b2f6c1e-3d4a-4f5b-8c7d-1e2f3a4b5c6d',
    });
  });

  test('the id is the same one the daily report used', () => {
    const cleared = mapLibreNmsClear(form('librenms-clear.form'));
    const { event } = mapOne(form('librenms-daily.form'));
    expect(cleared.ok && cleared.installId).toBe(event.installId);
  });

  test.each([
    ['', ['uuid']],
    ['uuid=', ['uuid']],
    ['uuid=%20%20', ['uuid']],
    [`uuid=${'x'.repeat(200)}`, ['uuid']],
    ['data=x', ['uuid']],
  ])('junk %j is rejected', (body, path) => {
    const result = mapLibreNmsClear(new URLSearchParams(body));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.path).toEqual(path);
  });
});

describe('LibreNMS parsers: properties (fast-check)', () => {
  const assertWellFormed = (result: AdapterResult) => {
    if (result.ok) {
      expect(result.events).toHaveLength(1);
      expectCanonical(result);
      expect(result.ignoredFields.length).toBeLessThanOrEqual(100);
    } else {
      expect(result.issues.length).toBeGreaterThan(0);
      expect(result.message.length).toBeGreaterThan(0);
    }
  };

  test('arbitrary form bodies never throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (body) => {
        assertWellFormed(mapLibreNmsLog(new URLSearchParams(body)));
        const cleared = mapLibreNmsClear(new URLSearchParams(body));
        if (cleared.ok) expect(cleared.installId.length).toBeLessThanOrEqual(128);
        else expect(cleared.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });

  test('arbitrary JSON in the data field never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        assertWellFormed(mapLibreNmsLog(new URLSearchParams({ data: JSON.stringify(json) ?? '' })));
      }),
      { numRuns: 3000 },
    );
  });

  const cell = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );
  const count = fc.oneof(
    fc.nat(),
    fc.integer(),
    fc.double(),
    fc.nat().map(String),
    fc.string({ maxLength: 5 }),
  );
  const row = fc.oneof(
    fc.record({ total: count }),
    fc.record({ total: count, value: cell }),
    fc.record({ total: count, release: cell }),
    fc.record({ total: count, version: cell }),
    fc
      .dictionary(fc.string({ maxLength: 20 }), cell, { maxKeys: 4 })
      .map((columns) => ({ total: 1, ...columns })),
    fc.jsonValue(),
  );
  const group = fc.oneof(
    fc.constantFrom(
      'os',
      'librenms_release',
      'php_version',
      'database_version',
      'os_version',
      'snmp_version',
      'dbschema',
    ),
    fc.string({ maxLength: 60 }),
  );
  const report = fc.record(
    {
      uuid: fc.oneof(fc.uuid(), fc.string({ maxLength: 140 })),
      data: fc.dictionary(group, fc.array(row, { maxLength: 8 }), { maxKeys: 12 }),
      info: fc.array(
        fc.record(
          { count, os: cell, sysDescr: cell, sysObjectID: cell },
          { requiredKeys: ['count'] },
        ),
        { maxLength: 5 },
      ),
    },
    { requiredKeys: ['uuid'] },
  );

  // 2000 generated reports: the property is under test, not the speed, so no 5 s wall-clock
  // budget (which a busy shared machine exceeds).
  test(
    'LibreNMS-shaped reports map to valid canonical events or a clear rejection',
    { timeout: 120_000 },
    () => {
      let accepted = 0;
      fc.assert(
        fc.property(report, (json) => {
          const result = mapLibreNmsLog(statsForm(json));
          assertWellFormed(result);
          if (result.ok) accepted += 1;
        }),
        { numRuns: 2000 },
      );
      expect(accepted).toBeGreaterThan(1000);
    },
  );
});
