// Install ids through the whole ingest handler: one normalisation for ingest and every erase
// path (an id erased in any form an adapter accepts erases what ingest stored), and no stored
// string of an event ever holds its own raw id, in any of those forms.
import { describe, expect, test } from 'vitest';
import type { HttpRequest } from '../../../functions/src/http/types.ts';
import {
  installIdRedactor,
  installPseudonym,
  normaliseInstallId,
} from '../../../functions/src/identity/install-id.ts';
import { fakeRequest, formRequest, jsonRequest } from '../../support/http-fakes.ts';
import { compatText as fixture } from '../../support/fixtures.ts';
import { ingestHarness } from '../../support/ingest-harness.ts';

const SECRET = 'install-ids-secret';
const GUID = '4f8a2c1e-9b7d-11ee-8c4a-0242ac120002';
const MACHINE = '3b5d5c3712955042212316173ccf37be';
const LIBRENMS_UUID = '9b2f6c1e-3d4a-4f5b-8c7d-1e2f3a4b5c6d';

function setup() {
  const { store, send } = ingestHarness({ secret: SECRET, now: '2026-03-10T12:00:00Z' });
  const storedText = () =>
    JSON.stringify({
      events: [...store.events.entries()],
      pages: [...store.pages.entries()],
      erasures: [...store.erasures.entries()],
    });
  return { store, send, storedText };
}

/** Every case and spelling of an id an adapter accepts, for a text search. */
function spellings(id: string): string[] {
  const forms = [
    id,
    id.toUpperCase(),
    id.replaceAll('-', ''),
    id.replaceAll('-', '').toUpperCase(),
  ];
  return [...new Set(forms)];
}

describe('normaliseInstallId', () => {
  test.each([
    ['4F8A2C1E-9B7D-11EE-8C4A-0242AC120002', GUID],
    [`machine-${MACHINE}`, MACHINE],
    [`MACHINE-${MACHINE.toUpperCase()}`, MACHINE],
    [`uuid-${GUID}`, GUID],
    [`dbus-${MACHINE}`, MACHINE],
    [`macos-${GUID.toUpperCase()}`, GUID],
    [`  ${GUID}  `, GUID],
    ['machine-', ''],
    ['my-test-install', 'my-test-install'],
  ])('%s → %s', (raw, normalised) => {
    expect(normaliseInstallId(raw)).toBe(normalised);
    expect(normaliseInstallId(normalised)).toBe(normalised);
  });
});

describe('installIdRedactor', () => {
  const redactor = installIdRedactor([GUID, `machine-${MACHINE}`]);
  const redact = (text: string) => {
    // The cheap test never misses a text the exact pattern changes.
    expect(redactor?.mayHold(text)).toBe(true);
    return redactor?.redact(text);
  };

  test.each([
    `guid ${GUID} taken`,
    `guid ${GUID.toUpperCase()} taken`,
    `guid ${GUID.replaceAll('-', '')} taken`,
    `guid uuid-${GUID} taken`,
    `guid MACOS-${GUID.toUpperCase()} taken`,
    `guid machine-${MACHINE} taken`,
    `guid ${MACHINE.toUpperCase()} taken`,
    `guid dbus-${MACHINE} taken`,
  ])('%s', (text) => {
    expect(redact(text)).toBe('guid <install-id> taken');
  });

  test('other ids and words stay', () => {
    const other = 'peer 0b7e55d9-21aa-4f0e-b3c2-6d1e8f9a4c27 is fine';
    expect(redactor?.mayHold(other)).toBe(false);
    expect(redactor?.redact(other)).toBe(other);
    // An id too short to identify anything is not looked for.
    expect(installIdRedactor(['abc'])).toBeUndefined();
    const short = installIdRedactor(['ab12']);
    expect(short?.redact('ab12 failed; cab123 did not')).toBe(
      '<install-id> failed; cab123 did not',
    );
  });
});

describe('erase finds what ingest stored, whatever form of the id each side uses', () => {
  const netdata = (properties: Record<string, unknown>) =>
    jsonRequest('/compat/netdata', { event: 'START -', properties });

  /** [what ingest receives, the install id it yields, the forms an erase may send]. */
  const cases: [string, () => HttpRequest, string[]][] = [
    [
      'Netdata registry GUID',
      () => netdata({ distinct_id: GUID }),
      [GUID, GUID.toUpperCase(), `uuid-${GUID}`, `  ${GUID}\n`],
    ],
    [
      'Netdata upper-case GUID',
      () => netdata({ distinct_id: GUID.toUpperCase() }),
      [GUID, GUID.toUpperCase()],
    ],
    [
      'Netdata installer machine id',
      () => jsonRequest('/compat/netdata', JSON.parse(fixture('netdata-installer-failed.json'))),
      [`machine-${MACHINE}`, MACHINE, `MACHINE-${MACHINE.toUpperCase()}`, `dbus-${MACHINE}`],
    ],
    [
      'Netdata macOS id',
      () => netdata({ distinct_id: `macos-${GUID.toUpperCase()}` }),
      [`macos-${GUID.toUpperCase()}`, GUID],
    ],
    [
      'LibreNMS uuid',
      () => formRequest('/compat/librenms/log.php', fixture('librenms-daily.form').trim()),
      [LIBRENMS_UUID, LIBRENMS_UUID.toUpperCase()],
    ],
    [
      'canonical install id',
      () =>
        jsonRequest('/v1/events', {
          schema: 1,
          installId: '6F1C2D3E-8A9B-4C5D-9E0F-112233445566',
          type: 'heartbeat',
        }),
      ['6f1c2d3e-8a9b-4c5d-9e0f-112233445566', '6F1C2D3E-8A9B-4C5D-9E0F-112233445566'],
    ],
  ];

  const erasePaths: [string, (id: string) => HttpRequest][] = [
    ['/v1/erase', (id) => jsonRequest('/v1/erase', { installId: id })],
    ['LibreNMS clear.php', (id) => formRequest('/compat/librenms/clear.php', { uuid: id })],
  ];

  for (const [name, ingest, forms] of cases) {
    for (const [path, erase] of erasePaths) {
      // clear.php rejects ids with spaces, as LibreNMS never sends them.
      const usable = path === '/v1/erase' ? forms : forms.filter((f) => !/\s/.test(f));
      test.each(usable)(`${name}, erased through ${path} as %j`, async (form) => {
        const h = setup();
        const stored = await h.send(ingest());
        expect(stored.statusCode).toBe(name.startsWith('canonical') ? 202 : 200);
        expect(h.store.events.size).toBe(1);
        const res = await h.send(erase(form));
        expect(res.statusCode).toBe(200);
        expect(h.store.events.size).toBe(0);
      });
    }
  }

  test('the pseudonym of every form is the one ingest stores', async () => {
    const h = setup();
    await h.send(netdata({ distinct_id: `uuid-${GUID.toUpperCase()}` }));
    const [event] = [...h.store.events.values()];
    expect(event?.install).toBe(installPseudonym(SECRET, GUID));
    expect(installPseudonym(SECRET, `UUID-${GUID}`)).toBe(event?.install);
  });
});

describe('no stored string holds the event’s own id', () => {
  test('a Netdata FATAL whose fail reason holds its machine GUID and machine id', async () => {
    const h = setup();
    const body = fixture('netdata-agent-fatal-guid-in-reason.json');
    expect(body).toContain(GUID.toUpperCase());
    const res = await h.send(fakeRequest({ path: '/compat/netdata', body }));
    expect(res.statusCode).toBe(200);
    const [event] = [...h.store.events.values()];
    expect(event?.failure?.message).toBe(
      'machine GUID <install-id> is claimed by another agent (<install-id>, <install-id>)',
    );
    const text = h.storedText();
    for (const form of [...spellings(GUID), ...spellings(MACHINE), 'machine-']) {
      expect(text).not.toContain(form);
    }
  });

  test('canonical text, counters and modules in every form of the id', async () => {
    const h = setup();
    const id = '6f1c2d3e-8a9b-4c5d-9e0f-112233445566';
    const res = await h.send(
      jsonRequest('/v1/events', {
        schema: 1,
        installId: id,
        type: 'crash',
        failure: {
          message: `state of ${id.toUpperCase()} lost; see /var/lib/agent/${id.replaceAll('-', '')}`,
          file: `cache-${id}.db`,
          program: 'agent',
        },
        modules: [{ name: `m-${id.replaceAll('-', '')}` }, { name: 'snmp' }],
        counters: { [`seen.${id}`]: 1, 'os.linux': 1 },
      }),
    );
    expect(res.statusCode).toBe(202);
    const [event] = [...h.store.events.values()];
    expect(event?.failure).toEqual({
      message: 'state of <install-id> lost; see /var/lib/agent/<install-id>',
      file: 'cache-<install-id>.db',
      program: 'agent',
    });
    expect(event?.modules).toEqual([{ name: 'snmp' }]);
    expect(event?.counters).toEqual({ 'os.linux': 1 });
    for (const form of spellings(id)) expect(h.storedText()).not.toContain(form);
  });

  test('a LibreNMS sysDescr holding its uuid', async () => {
    const h = setup();
    const data = JSON.stringify({
      uuid: LIBRENMS_UUID,
      info: [
        {
          count: 1,
          os: 'linux',
          sysDescr: `Linux ${LIBRENMS_UUID.toUpperCase()} 6.1.0-18-amd64`,
          sysObjectID: '.1.3.6.1.4.1.8072.3.2.10',
        },
      ],
    });
    const res = await h.send(formRequest('/compat/librenms/log.php', { data }));
    expect(res.statusCode).toBe(200);
    expect([...h.store.events.values()][0]?.devices?.[0]?.sysDescr).toBe(
      'Linux <install-id> 6.1.0-18-amd64',
    );
    for (const form of spellings(LIBRENMS_UUID)) expect(h.storedText()).not.toContain(form);
  });
});
