import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { mapCleanInsightsBody } from '../../../functions/src/compat/cleaninsights.ts';
import type { AdapterResult, IncomingEvent } from '../../../functions/src/model/incoming.ts';
import { compatJson as fixture } from '../../support/fixtures.ts';
import { expectCanonical as expectCanonicalEvents } from '../../support/adapter-results.ts';

/** The shared rules of an adapter's events, and what this adapter promises of each. */
const expectCanonical = (result: AdapterResult) =>
  expectCanonicalEvents(result, (event) => {
    expect(event.installId).toBeNull();
    expect(event.devices).toBeUndefined();
    expect(event.identifiers).toBeUndefined();
  });

/** A body as OpenWISP's get_events() builds it. */
function body(category: string, facts: Record<string, string>, extra: object = {}) {
  return {
    idsite: 5,
    events: Object.entries(facts).map(([action, name]) => ({
      category,
      action,
      name,
      value: 1,
      times: 1,
      period_start: 1717200000,
      period_end: 1717200000,
      ...extra,
    })),
  };
}

function map(input: unknown): { events: IncomingEvent[]; ignoredFields: string[] } {
  const result = mapCleanInsightsBody(input);
  expect(result.ok, JSON.stringify(result)).toBe(true);
  if (!result.ok) throw new Error('unreachable');
  expect(result.source).toBe('cleaninsights');
  expectCanonical(result);
  return { events: result.events, ignoredFields: result.ignoredFields };
}

describe('mapCleanInsightsBody: real OpenWISP bodies', () => {
  test.each<[string, IncomingEvent]>([
    [
      'cleaninsights-heartbeat.json',
      {
        installId: null,
        type: 'heartbeat',
        product: { version: '23.0.0', installMethod: 'ansible-openwisp2' },
        // "#117-Ubuntu SMP ..." names the distribution but not its release.
        platform: {
          kernel: 'Linux',
          kernelVersion: '5.15.0-107-generic',
          os: 'ubuntu',
          arch: 'x86_64',
        },
        modules: [
          { name: 'openwisp-controller', version: '1.0.3' },
          { name: 'openwisp-monitoring', version: '1.0.3' },
          { name: 'openwisp-network-topology', version: '1.0.1' },
          { name: 'openwisp-notifications', version: '1.0.3' },
          { name: 'openwisp-users', version: '1.0.2' },
          { name: 'openwisp-utils', version: '1.0.4' },
          { name: 'netdiff', version: '1.0' },
          { name: 'netjsonconfig', version: '1.0.2' },
        ],
      },
    ],
    [
      'cleaninsights-install.json',
      {
        installId: null,
        type: 'install',
        product: { version: '23.0.0a', installMethod: 'pip' },
        platform: {
          kernel: 'Linux',
          kernelVersion: '5.13.0-52-generic',
          os: 'ubuntu',
          osVersion: '20.04',
          arch: 'x86_64',
        },
        modules: [
          { name: 'openwisp-users', version: '1.1.0a' },
          { name: 'openwisp-utils', version: '1.1.0a' },
        ],
      },
    ],
    [
      'cleaninsights-upgrade.json',
      {
        installId: null,
        type: 'upgrade',
        product: { version: '24.11.1', installMethod: 'docker-openwisp' },
        platform: {
          kernel: 'Linux',
          kernelVersion: '6.1.0-21-cloud-arm64',
          os: 'debian',
          arch: 'aarch64',
        },
        modules: [
          { name: 'openwisp-controller', version: '1.1.0' },
          { name: 'openwisp-radius', version: '1.1.0' },
          { name: 'openwisp-utils', version: '1.1.1' },
        ],
      },
    ],
    ['cleaninsights-consent-withdrawn.json', { installId: null, type: 'opt_out' }],
    [
      'cleaninsights-heartbeat-dev.json',
      {
        installId: null,
        type: 'heartbeat',
        // Version "None" and method "unspecified" (no openwisp2 module) are dropped.
        platform: {
          kernel: 'Linux',
          kernelVersion: '6.8.0-31-generic',
          os: 'ubuntu',
          arch: 'x86_64',
        },
        modules: [
          { name: 'openwisp-utils', version: '1.2.0a0' },
          { name: 'openwisp-users', version: '1.2.0a0' },
        ],
      },
    ],
  ])('%s: one request is one event', (name, expected) => {
    const { events, ignoredFields } = map(fixture(name));
    expect(events).toEqual([expected]);
    expect(ignoredFields).toEqual([]);
  });

  test('nothing of the request envelope (idsite, unix times) is kept', () => {
    const json = JSON.stringify(mapCleanInsightsBody(fixture('cleaninsights-heartbeat.json')));
    expect(json).not.toContain('1717200000');
    expect(json).not.toContain('idsite');
    expect(json).not.toContain('SMP');
  });
});

describe('mapCleanInsightsBody: mapping rules', () => {
  test.each<[string, Record<string, string>, Partial<IncomingEvent>]>([
    ['OpenWISP Version', { 'OpenWISP Version': '24.11.1' }, { product: { version: '24.11.1' } }],
    [
      'Installation Method',
      { 'Installation Method': 'docker-openwisp' },
      { product: { installMethod: 'docker-openwisp' } },
    ],
    [
      'kernel_version sets the kernel too',
      { kernel_version: '6.1.0-21-amd64' },
      { platform: { kernel: 'Linux', kernelVersion: '6.1.0-21-amd64' } },
    ],
    ['hardware_platform', { hardware_platform: 'armv7l' }, { platform: { arch: 'armv7l' } }],
    [
      'Ubuntu HWE kernel',
      { os_version: '#59~20.04.1-Ubuntu SMP Thu Jun 16 21:21:28 UTC 2022' },
      { platform: { os: 'ubuntu', osVersion: '20.04' } },
    ],
    [
      'Debian kernel',
      { os_version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)' },
      { platform: { os: 'debian' } },
    ],
    [
      'modules keep their version',
      { 'openwisp-radius': '1.1.0' },
      { modules: [{ name: 'openwisp-radius', version: '1.1.0' }] },
    ],
    ['a module without a version', { netdiff: 'None' }, { modules: [{ name: 'netdiff' }] }],
    [
      'an allowed attribute',
      { python_version: '3.11.2' },
      { attributes: { python_version: '3.11.2' } },
    ],
  ])('%s', (_name, facts, expected) => {
    const { events } = map(body('Heartbeat', facts));
    expect(events).toEqual([{ installId: null, type: 'heartbeat', ...expected }]);
  });

  test.each<[string, string, Partial<IncomingEvent>]>([
    ['Install', 'install', {}],
    ['Upgrade', 'upgrade', {}],
    ['Heartbeat', 'heartbeat', {}],
    ['Consent Withdrawn', 'opt_out', {}],
    ['heartbeat', 'heartbeat', {}],
    ['OS Details', 'report', { action: 'OS Details' }],
  ])('category %j → %s', (category, type, extra) => {
    const { events } = map(body(category, { 'OpenWISP Version': '24.11.1' }));
    expect(events).toEqual([{ installId: null, type, ...extra, product: { version: '24.11.1' } }]);
  });

  test('one event per category, in order of appearance', () => {
    const mixed = {
      idsite: 5,
      events: [
        ...body('Upgrade', { 'openwisp-utils': '1.1.1' }).events,
        ...body('Heartbeat', { 'openwisp-utils': '1.1.1' }).events,
        ...body('Upgrade', { 'OpenWISP Version': '24.11.1' }).events,
      ],
    };
    const { events } = map(mixed);
    expect(events.map((e) => e.type)).toEqual(['upgrade', 'heartbeat']);
    expect(events[0]).toMatchObject({
      product: { version: '24.11.1' },
      modules: [{ name: 'openwisp-utils' }],
    });
  });

  test('a request names at most 10 categories; rows of further ones are dropped and named', () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({
      category: `Category ${i}`,
      action: 'a',
      name: '1',
    }));
    const { events, ignoredFields } = map({ idsite: 5, events: rows });
    expect(events).toHaveLength(10);
    expect(ignoredFields).toEqual(['events[10]', 'events[11]']);
  });

  test('extra keys are dropped and named, rows that say nothing usable too', () => {
    const input = {
      ...body(
        'Heartbeat',
        { 'OpenWISP Version': '1', os_version: '#1 SMP Tue Jan 9 2024' },
        { session: 'abc' },
      ),
      ua: 'python-requests/2.31',
      lang: 'en',
    };
    const { events, ignoredFields } = map(input);
    expect(events).toEqual([{ installId: null, type: 'heartbeat', product: { version: '1' } }]);
    expect(ignoredFields).toEqual([
      'ua',
      'lang',
      'events[0].session',
      'events[1].session',
      'events[1]',
    ]);
  });

  test('more than 100 modules keep the first 100', () => {
    const facts = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`module-${i}`, '1.0']));
    const { events, ignoredFields } = map(body('Heartbeat', facts));
    expect(events[0]?.modules).toHaveLength(100);
    expect(ignoredFields).toHaveLength(20);
  });

  test('values without their shape are dropped and named, the rest of the event kept', () => {
    const { events, ignoredFields } = map(
      body('Install', {
        'OpenWISP Version': '9'.repeat(300),
        ['m'.repeat(150)]: '1.0',
        'OpenWISP Users': '1.1.0',
        'openwisp-controller': 'db-prod-07.corp.example.com',
        'openwisp-users': '1.1.0',
        kernel_version: 'k'.repeat(500),
        hardware_platform: 'x86_64',
        'Installation Method': 'ansible &amp; docker',
        'openwisp-&lt;x&gt;': '1.0',
      }),
    );
    expect(events[0]).toEqual({
      installId: null,
      type: 'install',
      platform: { arch: 'x86_64' },
      modules: [{ name: 'openwisp-controller' }, { name: 'openwisp-users', version: '1.1.0' }],
    });
    expect(ignoredFields).toEqual([
      'events[0].name',
      'events[1]',
      'events[2]',
      'events[3].name',
      'events[5].name',
      // Django's escape() is undone first: "ansible & docker" is not an install method's name.
      'events[7].name',
      'events[8]',
    ]);
  });

  test.each<[string, unknown, (string | number)[]]>([
    ['not an object', 'Heartbeat', []],
    ['no idsite', { events: body('Heartbeat', { a: '1' }).events }, ['idsite']],
    ['no events', { idsite: 5 }, ['events']],
    ['empty events', { idsite: 5, events: [] }, ['events']],
    ['events not an array', { idsite: 5, events: {} }, ['events']],
    [
      'a row without category',
      { idsite: 5, events: [{ action: 'a', name: '1' }] },
      ['events', 0, 'category'],
    ],
    [
      'a blank action',
      { idsite: 5, events: [{ category: 'Heartbeat', action: ' ' }] },
      ['events', 0, 'action'],
    ],
    [
      'a nested name',
      { idsite: 5, events: [{ category: 'Heartbeat', action: 'a', name: { v: 1 } }] },
      ['events', 0, 'name'],
    ],
    [
      'too many rows',
      {
        idsite: 5,
        events: Array.from({ length: 501 }, () => ({ category: 'Heartbeat', action: 'a' })),
      },
      ['events'],
    ],
    [
      'a constructor key',
      JSON.parse('{"idsite":5,"events":[{"category":"Heartbeat","action":"a","constructor":1}]}'),
      ['events', 0, 'constructor'],
    ],
  ])('junk is rejected with a path: %s', (_name, input, path) => {
    const result = mapCleanInsightsBody(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message.length).toBeGreaterThan(0);
    expect(result.issues[0]?.path).toEqual(path);
  });
});

describe('mapCleanInsightsBody: properties (fast-check)', () => {
  const assertWellFormed = (result: AdapterResult) => {
    if (result.ok) {
      expect(result.events.length).toBeGreaterThan(0);
      expectCanonical(result);
      expect(result.ignoredFields.length).toBeLessThanOrEqual(100);
    } else {
      expect(result.issues.length).toBeGreaterThan(0);
      expect(result.message.length).toBeGreaterThan(0);
    }
  };

  test('arbitrary values never throw', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true }), (input) => {
        assertWellFormed(mapCleanInsightsBody(input));
      }),
      { numRuns: 3000 },
    );
  });

  test('arbitrary JSON never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        assertWellFormed(mapCleanInsightsBody(input));
      }),
      { numRuns: 3000 },
    );
  });

  const text = fc.oneof(
    fc.string({ maxLength: 120 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
  );
  const row = fc.record(
    {
      category: fc.oneof(
        fc.constantFrom('Install', 'Upgrade', 'Heartbeat', 'Consent Withdrawn'),
        text.filter((c) => !c.includes('&')),
      ),
      action: fc.oneof(
        fc.constantFrom(
          'OpenWISP Version',
          'Installation Method',
          'os_version',
          'kernel_version',
          'hardware_platform',
          'Action',
          'python_version',
          'openwisp-users',
        ),
        text,
      ),
      name: fc.oneof(
        text,
        fc.constantFrom('None', 'unspecified', '&amp;', '#59~20.04.1-Ubuntu SMP'),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
      ),
      value: fc.oneof(fc.integer(), fc.constant(1)),
      times: fc.constant(1),
      period_start: fc.integer(),
      period_end: fc.integer(),
    },
    { requiredKeys: ['category', 'action'] },
  );
  const request = fc.record({
    idsite: fc.oneof(fc.constant(5), fc.integer(), fc.string({ maxLength: 10 })),
    events: fc.array(row, { minLength: 1, maxLength: 40 }),
  });

  // Many generated bodies: the property is under test, not the speed, so no 5 s wall-clock
  // budget (which a busy shared machine exceeds).
  test(
    'Clean Insights-shaped bodies map to valid canonical events or a clear rejection',
    { timeout: 120_000 },
    () => {
      let accepted = 0;
      fc.assert(
        fc.property(request, (input) => {
          const result = mapCleanInsightsBody(input);
          assertWellFormed(result);
          if (result.ok) {
            accepted += 1;
            const categories = new Set(input.events.map((e) => e.category.trim().toLowerCase()));
            expect(result.events).toHaveLength(Math.min(categories.size, 10));
          }
        }),
        { numRuns: 2000 },
      );
      expect(accepted).toBeGreaterThan(500);
    },
  );
});
