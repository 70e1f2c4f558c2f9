import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { mapNetdataBody } from '../../../functions/src/compat/netdata.ts';
import type { AdapterResult, IncomingEvent } from '../../../functions/src/model/incoming.ts';
import { compatJson as fixture } from '../../support/fixtures.ts';
import { expectCanonical } from '../../support/adapter-results.ts';

function mapOne(body: unknown): IncomingEvent {
  const result = mapNetdataBody(body);
  expect(result.ok, JSON.stringify(result)).toBe(true);
  if (!result.ok) throw new Error('unreachable');
  expect(result.source).toBe('netdata');
  expect(result.events).toHaveLength(1);
  expectCanonical(result);
  const [event] = result.events;
  if (!event) throw new Error('unreachable');
  return event;
}

const AGENT_ID = '4f8a2c1e-9b7d-11ee-8c4a-0242ac120002';
/** The agent's system id (`machine-<md5>`), normalised: never stored, redacted like the id. */
const AGENT_SYSTEM_IDS = ['3b5d5c3712955042212316173ccf37be'];
const AGENT_PRODUCT = { version: '1.44.3', channel: 'stable', installMethod: 'kickstart-static' };
const AGENT_PLATFORM = {
  os: 'debian',
  osVersion: '12',
  kernel: 'Linux',
  kernelVersion: '6.1.0-18-amd64',
  arch: 'x86_64',
  virtualization: 'kvm',
  container: 'none',
};
const AGENT_ATTRIBUTES = {
  cpu_cores: 4,
  memory_gib: 8,
  mirrored_hosts: 1,
  telemetry_source: 'agent backend',
  netdata_buildinfo: expect.stringMatching(/^dbengine\|Native HTTPS\|Netdata Cloud\|/),
};
const INSTALLER_PLATFORM = {
  os: 'rocky',
  osVersion: '9.3',
  osLike: 'rhel centos fedora',
  kernel: 'Linux',
  kernelVersion: '5.14.0-362.8.1.el9_3.x86_64',
  arch: 'x86_64',
};

describe('mapNetdataBody: real agent and installer bodies', () => {
  test.each<[string, IncomingEvent]>([
    [
      'netdata-agent-start.json',
      {
        installId: AGENT_ID,
        identifiers: AGENT_SYSTEM_IDS,
        type: 'start',
        product: AGENT_PRODUCT,
        platform: AGENT_PLATFORM,
        attributes: AGENT_ATTRIBUTES,
      },
    ],
    [
      'netdata-agent-exit-ok.json',
      {
        installId: AGENT_ID,
        identifiers: AGENT_SYSTEM_IDS,
        type: 'stop',
        product: AGENT_PRODUCT,
        platform: AGENT_PLATFORM,
        attributes: AGENT_ATTRIBUTES,
      },
    ],
    [
      'netdata-agent-exit-error.json',
      {
        installId: AGENT_ID,
        identifiers: AGENT_SYSTEM_IDS,
        type: 'stop',
        product: AGENT_PRODUCT,
        platform: AGENT_PLATFORM,
        failure: { code: 'ERROR' },
        attributes: AGENT_ATTRIBUTES,
      },
    ],
    [
      'netdata-agent-fatal.json',
      {
        installId: AGENT_ID,
        identifiers: AGENT_SYSTEM_IDS,
        type: 'fatal',
        product: AGENT_PRODUCT,
        platform: AGENT_PLATFORM,
        failure: {
          program: 'netdata',
          thread: 'MAIN',
          line: 317,
          file: 'src/daemon',
          function: 'netdata_main',
          errno: 13,
          message:
            'SQLite error during database initialization, rc = 11 (database disk image is malformed) in /var/cache/netdata/netdata-meta.db',
        },
        attributes: AGENT_ATTRIBUTES,
      },
    ],
    [
      'netdata-agent-crash.json',
      {
        installId: AGENT_ID,
        identifiers: AGENT_SYSTEM_IDS,
        type: 'crash',
        product: AGENT_PRODUCT,
        platform: AGENT_PLATFORM,
        attributes: AGENT_ATTRIBUTES,
      },
    ],
    [
      'netdata-agent-meta-posthog.json',
      {
        installId: AGENT_ID,
        type: 'heartbeat',
        product: { version: '1.33.1', channel: 'nightly', installMethod: 'binpkg-deb' },
        platform: {
          os: 'ubuntu',
          osVersion: '22.04',
          osLike: 'debian',
          kernel: 'Linux',
          kernelVersion: '5.15.0-91-generic',
          arch: 'aarch64',
          virtualization: 'none',
          container: 'docker',
        },
        attributes: { ...AGENT_ATTRIBUTES, cpu_cores: 16, memory_gib: 32, mirrored_hosts: 3 },
      },
    ],
    [
      'netdata-agent-zero-guid.json',
      {
        installId: null,
        type: 'heartbeat',
        product: AGENT_PRODUCT,
        // "unknown" virtualization, "" container, "unknown" RAM and "" CPU count are dropped.
        platform: {
          os: 'alpine',
          osVersion: '3.19.1',
          kernel: 'Linux',
          kernelVersion: '6.1.0-18-amd64',
          arch: 'x86_64',
        },
        attributes: {
          mirrored_hosts: 1,
          telemetry_source: 'agent backend',
          netdata_buildinfo: AGENT_ATTRIBUTES.netdata_buildinfo,
        },
      },
    ],
    [
      'netdata-agent-incomplete-shutdown.json',
      {
        installId: AGENT_ID,
        identifiers: AGENT_SYSTEM_IDS,
        type: 'report',
        action: 'INCOMPLETE_SHUTDOWN',
        product: AGENT_PRODUCT,
        platform: AGENT_PLATFORM,
        attributes: AGENT_ATTRIBUTES,
      },
    ],
    [
      'netdata-installer-success.json',
      {
        installId: '3b5d5c3712955042212316173ccf37be',
        type: 'install',
        product: { channel: 'stable', installMethod: 'static' },
        platform: INSTALLER_PLATFORM,
        attributes: { memory_gib: 15, telemetry_source: 'agent installer' },
      },
    ],
    [
      'netdata-installer-failed.json',
      {
        installId: '3b5d5c3712955042212316173ccf37be',
        type: 'install_failed',
        product: { channel: 'stable', installMethod: 'static' },
        platform: INSTALLER_PLATFORM,
        failure: {
          code: 'F0003',
          message:
            'Could not find a usable HTTP client. Either curl or wget is required to proceed with installation.',
        },
        attributes: { memory_gib: 15, telemetry_source: 'agent installer' },
      },
    ],
    [
      'netdata-installer-crash.json',
      {
        installId: '0f3c6a2e-5b1d-4e8f-9a7c-2d4b6e8f1a3c',
        type: 'install_failed',
        // Release channel "null" and every "unknown" os-release field are dropped.
        product: { installMethod: 'build' },
        platform: { kernel: 'FreeBSD', kernelVersion: '14.0-RELEASE', arch: 'amd64' },
        failure: { code: 'E0-1456', message: 'Installer exited unexpectedly (0-1456)' },
        attributes: { telemetry_source: 'agent installer' },
      },
    ],
  ])('%s', (name, expected) => {
    const event = mapOne(fixture(name));
    expect(event).toEqual(expected);
  });

  test.each([
    'netdata-agent-start.json',
    'netdata-agent-meta-posthog.json',
    'netdata-agent-fatal.json',
    'netdata-installer-failed.json',
  ])('%s: masking values, the api key and the claim token are never in the result', (name) => {
    const body = fixture(name);
    const result = mapNetdataBody(body);
    const json = JSON.stringify(result);
    for (const secret of [
      '127.0.0.1',
      'backend.netdata.io',
      'installer.netdata.io',
      'netdata-backend',
      'netdata-installer',
      'mqkwGT0JNFqO-zX2t0mW6Tec9yooaVu7xCBlXtHnt5Y',
      'Xk3jT0k3nS3cr3tV4lu3',
      'Intel(R) Xeon',
      'machine-',
    ]) {
      expect(json).not.toContain(secret);
    }
    if (!result.ok) throw new Error('expected ok');
    expect(result.ignoredFields).toEqual(
      expect.arrayContaining([
        'properties.$ip',
        'properties.$host',
        'properties.$current_url',
        'properties.$pathname',
      ]),
    );
    if ('api_key' in body) expect(result.ignoredFields).toContain('api_key');
  });

  test('unknown properties are dropped and named; known ones are not reported', () => {
    const result = mapNetdataBody(fixture('netdata-agent-start.json'));
    if (!result.ok) throw new Error('expected ok');
    expect(result.ignoredFields).toEqual(
      expect.arrayContaining([
        'properties.host_collectors',
        'properties.system_cpu_model',
        'properties.config_memory_mode',
      ]),
    );
    for (const known of [
      'distinct_id',
      'netdata_version',
      'host_os_id',
      'system_total_ram',
      'action_data',
    ]) {
      expect(result.ignoredFields).not.toContain(`properties.${known}`);
    }
  });
});

describe('mapNetdataBody: install id', () => {
  const body = (properties: Record<string, unknown>) => ({ event: 'START -', properties });

  test.each<[string, Record<string, unknown>, string | null]>([
    ['registry guid', { distinct_id: AGENT_ID }, AGENT_ID],
    ['upper-case guid', { distinct_id: AGENT_ID.toUpperCase() }, AGENT_ID],
    [
      'installer machine id',
      { distinct_id: 'machine-3b5d5c3712955042212316173ccf37be' },
      '3b5d5c3712955042212316173ccf37be',
    ],
    [
      'uuidgen id',
      { distinct_id: 'uuid-0f3c6a2e-5b1d-4e8f-9a7c-2d4b6e8f1a3c' },
      '0f3c6a2e-5b1d-4e8f-9a7c-2d4b6e8f1a3c',
    ],
    ['dbus id', { distinct_id: 'dbus-0123abcd' }, '0123abcd'],
    [
      'macOS id',
      { distinct_id: 'macos-6E2A1B7C-4D3E-5F60-8A9B-0C1D2E3F4A5B' },
      '6e2a1b7c-4d3e-5f60-8a9b-0c1d2e3f4a5b',
    ],
    ['machine guid when distinct_id is missing', { netdata_machine_guid: AGENT_ID }, AGENT_ID],
    [
      'system id when the registry id is all zeros',
      {
        distinct_id: '00000000-0000-0000-0000-000000000000',
        system_distinct_id: 'machine-3b5d5c37',
      },
      '3b5d5c37',
    ],
    ['all-zero guid', { distinct_id: '00000000-0000-0000-0000-000000000000' }, null],
    ['"null"', { distinct_id: 'null', system_distinct_id: 'null' }, null],
    ['empty string', { distinct_id: '' }, null],
    ['JSON null', { distinct_id: null }, null],
    ['prefix only', { distinct_id: 'uuid-' }, null],
    ['no properties at all', {}, null],
  ])('%s', (_name, properties, expected) => {
    expect(mapOne(body(properties)).installId).toBe(expected);
  });

  test('the installer and the agent of one machine agree when both send the machine id', () => {
    const installer = mapOne(fixture('netdata-installer-success.json'));
    const agent = mapOne(
      body({
        distinct_id: '00000000-0000-0000-0000-000000000000',
        system_distinct_id: 'machine-3b5d5c3712955042212316173ccf37be',
      }),
    );
    expect(agent.installId).toBe(installer.installId);
  });

  test.each<[string, unknown]>([
    ['too long', 'x'.repeat(129)],
    ['spaces', 'abc def'],
    ['an object', { id: 1 }],
    ['a boolean', true],
  ])('an unusable id (%s) is rejected with its path', (_name, id) => {
    const result = mapNetdataBody(body({ distinct_id: id }));
    expect(result).toMatchObject({ ok: false, issues: [{ path: ['properties', 'distinct_id'] }] });
  });
});

describe('mapNetdataBody: actions, failures and coercion', () => {
  test.each<[string, string, string | undefined]>([
    ['START -', 'start', undefined],
    ['EXIT OK', 'stop', undefined],
    ['FATAL netdata:MAIN', 'fatal', undefined],
    ['CRASH -', 'crash', undefined],
    ['INSTALL_SUCCESS', 'install', undefined],
    ['INSTALL_FAILED', 'install_failed', undefined],
    ['INSTALL_CRASH', 'install_failed', undefined],
    ['META -', 'heartbeat', undefined],
    ['META_START -', 'heartbeat', undefined],
    ['start -', 'start', undefined],
    ['  META   -  ', 'heartbeat', undefined],
    ['INCOMPLETE_SHUTDOWN -', 'report', 'INCOMPLETE_SHUTDOWN'],
    ['UPDATE_SUCCESS', 'report', 'UPDATE_SUCCESS'],
    [`${'X'.repeat(100)} -`, 'report', 'X'.repeat(64)],
  ])('event %j → %s', (event, type, action) => {
    const mapped = mapOne({ event, properties: {} });
    expect(mapped.type).toBe(type);
    expect(mapped.action).toBe(action);
  });

  test.each<[string, string, object | undefined]>([
    [
      'netdata:MAIN',
      '0317@src/daemon:netdata_main   /13',
      {
        program: 'netdata',
        thread: 'MAIN',
        line: 317,
        file: 'src/daemon',
        function: 'netdata_main',
        errno: 13,
      },
    ],
    [
      'netdata:STREAM_RECEIVER',
      '1204@src/stream:rrdpush_receive/0',
      {
        program: 'netdata',
        thread: 'STREAM_RECEIVER',
        line: 1204,
        file: 'src/stream',
        function: 'rrdpush_receive',
        errno: 0,
      },
    ],
    [
      'netdata:[x]',
      '0042@libnetdata:mallocz        /-12',
      {
        program: 'netdata',
        thread: '[x]',
        line: 42,
        file: 'libnetdata',
        function: 'mallocz',
        errno: -12,
      },
    ],
    ['netdata', '-', { program: 'netdata' }],
    [
      '-',
      "failed to open '/etc/netdata/netdata.conf'",
      { message: "failed to open '/etc/netdata/netdata.conf'" },
    ],
    ['', '', undefined],
  ])('FATAL %j with data %j', (result, data, failure) => {
    const mapped = mapOne({ event: `FATAL ${result}`, properties: { action_data: data } });
    expect(mapped.failure).toEqual(failure);
  });

  test('strings where numbers are expected are coerced; junk is dropped and named', () => {
    const mapped = mapNetdataBody({
      event: 'META -',
      properties: {
        system_cpu_logical_cpu_count: ' 12 ',
        system_total_ram: 17179869184,
        mirrored_host_count: 'lots',
        netdata_version: 'v2.0.0-nightly',
        cloud_provider_type: 'AWS',
        database: 'dbengine',
      },
    });
    expect(mapped).toMatchObject({
      ok: true,
      events: [
        {
          product: { version: '2.0.0-nightly' },
          attributes: {
            cpu_cores: 12,
            memory_gib: 16,
            cloud_provider: 'AWS',
            database: 'dbengine',
          },
        },
      ],
      ignoredFields: ['properties.mirrored_host_count'],
    });
    expectCanonical(mapped);
  });

  test('attributes the deployment does not allow are dropped', () => {
    const result = mapNetdataBody(
      {
        event: 'META -',
        properties: { system_cpu_logical_cpu_count: '4', event_source: 'agent backend' },
      },
      { cpu_cores: { kind: 'number', title: 'Cores', description: 'cores', published: true } },
    );
    expect(result).toMatchObject({
      ok: true,
      events: [{ attributes: { cpu_cores: 4 } }],
      ignoredFields: ['properties.event_source'],
    });
  });

  test('over-long free text and labels are cut; over-long versions and names are dropped and named', () => {
    const result = mapNetdataBody({
      event: 'INSTALL_FAILED',
      properties: {
        netdata_version: '1'.repeat(300),
        host_os_id_like: 'debian '.repeat(40),
        error_code: `${'F'.repeat(63)}😀`,
        error_message: 'é'.repeat(5000),
        netdata_buildinfo: 'x'.repeat(1000),
        system_kernel_version: `6.1.0-${'a'.repeat(123)}`,
        system_architecture: 'x86_64',
      },
    });
    expect(result.ok).toBe(true);
    const event = result.ok ? result.events[0] : undefined;
    if (!result.ok || !event) return;
    // A cut version or name would be a wrong one: they go, and are reported.
    expect(event.product).toBeUndefined();
    expect(event.platform).toEqual({ arch: 'x86_64' });
    expect(result.ignoredFields).toEqual(
      expect.arrayContaining([
        'properties.netdata_version',
        'properties.host_os_id_like',
        'properties.system_kernel_version',
      ]),
    );
    // Free text and labels are cut to their limits, never inside a surrogate pair.
    expect(event.failure?.code).toBe('F'.repeat(63));
    expect(event.failure?.message).toHaveLength(2000);
    expect(event.attributes?.netdata_buildinfo).toHaveLength(200);
    expectCanonical(result);
  });

  test.each<[string, unknown, (string | number)[]]>([
    ['not an object', 'START -', []],
    ['an array', [{ event: 'START -' }], []],
    ['no event', { properties: {} }, ['event']],
    ['blank event', { event: '   ', properties: {} }, ['event']],
    ['event not a string', { event: 42 }, ['event']],
    ['properties not an object', { event: 'START -', properties: 'x' }, ['properties']],
    [
      'a __proto__ key',
      JSON.parse('{"event":"START -","properties":{"__proto__":{"x":1}}}'),
      ['properties', '__proto__'],
    ],
  ])('junk is rejected with a path: %s', (_name, body, path) => {
    const result = mapNetdataBody(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message.length).toBeGreaterThan(0);
    expect(result.issues[0]?.path).toEqual(path);
  });
});

describe('mapNetdataBody: properties (fast-check)', () => {
  const assertWellFormed = (result: AdapterResult) => {
    if (result.ok) {
      expect(result.events).toHaveLength(1);
      expectCanonical(result);
      expect(result.ignoredFields.length).toBeLessThanOrEqual(100);
    } else {
      expect(result.issues.length).toBeGreaterThan(0);
      for (const issue of result.issues) expect(Array.isArray(issue.path)).toBe(true);
    }
  };

  test('arbitrary values never throw', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true }), (body) => {
        assertWellFormed(mapNetdataBody(body));
      }),
      { numRuns: 3000 },
    );
  });

  test('arbitrary JSON never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        assertWellFormed(mapNetdataBody(body));
      }),
      { numRuns: 3000 },
    );
  });

  const knownKeys = [
    'distinct_id',
    'netdata_machine_guid',
    'system_distinct_id',
    'netdata_version',
    'netdata_release_channel',
    'netdata_install_type',
    'host_os_id',
    'host_os_name',
    'host_os_version_id',
    'host_os_id_like',
    'system_kernel_version',
    'system_architecture',
    'system_virtualization',
    'system_container',
    'system_cpu_logical_cpu_count',
    'system_total_ram',
    'mirrored_host_count',
    'event_source',
    'netdata_buildinfo',
    'action_data',
    'error_code',
    'error_message',
    'netdata_fail_reason',
    '$ip',
  ];
  const value = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.constantFrom(
      '',
      'null',
      'unknown',
      'none',
      'true',
      '12',
      '-1',
      '1e400',
      '00000000-0000-0000-0000-000000000000',
    ),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.jsonValue(), { maxLength: 3 }),
  );
  const body = fc.record(
    {
      event: fc.oneof(
        fc.constantFrom(
          'START -',
          'EXIT ERROR',
          'FATAL netdata:MAIN',
          'CRASH -',
          'INSTALL_FAILED',
          'META -',
        ),
        fc.string({ maxLength: 120 }),
      ),
      properties: fc.dictionary(
        fc.oneof(fc.constantFrom(...knownKeys), fc.string({ maxLength: 40 })),
        value,
        {
          maxKeys: 30,
        },
      ),
      api_key: fc.string(),
    },
    { requiredKeys: ['event'] },
  );

  // Many generated bodies: the property is under test, not the speed, so no 5 s wall-clock
  // budget (which a busy shared machine exceeds).
  test(
    'Netdata-shaped bodies map to valid canonical events or a clear rejection',
    { timeout: 120_000 },
    () => {
      let accepted = 0;
      fc.assert(
        fc.property(body, (candidate) => {
          const result = mapNetdataBody(candidate);
          assertWellFormed(result);
          if (result.ok) accepted += 1;
          if (result.ok) expect(JSON.stringify(result)).not.toContain('127.0.0.1');
        }),
        { numRuns: 3000 },
      );
      expect(accepted).toBeGreaterThan(1000);
    },
  );
});
