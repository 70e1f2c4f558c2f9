// Netdata's malformed bodies. The fixtures `netdata-*.malformed.txt` are what the real scripts
// produce: `anonymous-statistics.sh` (Netdata v2.5, unchanged since) run with the daemon's
// arguments empty, as it passes them for a FATAL before its analytics are gathered, and with the
// system-information environment missing; `kickstart.sh`'s telemetry_event() run with the message
// of a static-build checksum failure. curl was replaced by a script that saved the body.
// The repair fixes exactly those two defects; every other defect stays a 400.
import { describe, expect, test } from 'vitest';
import { repairNetdataJson } from '../../../functions/src/compat/netdata-json.ts';
import { expectErrorBody } from '../../support/http-fakes.ts';
import { compatText as fixture } from '../../support/fixtures.ts';
import { ingestHarness } from '../../support/ingest-harness.ts';

describe('repairNetdataJson', () => {
  test.each([
    ['an empty value before a comma', '{"a": , "b": 1}', { a: null, b: 1 }],
    ['an empty value before the closing brace', '{"a": 1, "b": \n  }', { a: 1, b: null }],
    [
      'a raw line break inside a string',
      '{"a": "x\ny", "b": "p\r\nq"}',
      { a: 'x\ny', b: 'p\r\nq' },
    ],
    ['an escaped quote before a line break', '{"a": "say \\"hi\\"\nbye"}', { a: 'say "hi"\nbye' }],
    [
      'an escaped quote before a colon and a comma, inside a string',
      '{"a": "say \\": ,\nbye"}',
      { a: 'say ": ,\nbye' },
    ],
    [
      'a tab, a carriage return and a line feed before an empty value',
      '{"a":\t, "b":\r\n}',
      { a: null, b: null },
    ],
    [
      'colons and commas inside strings are left alone',
      '{"a": "k: , }", "b": }',
      { a: 'k: , }', b: null },
    ],
  ])('%s', (_name, text, value) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(JSON.parse(repairNetdataJson(text) ?? '')).toEqual(value);
  });

  test.each([
    ['valid JSON', '{"a": 1}'],
    ['an escaped quote before a colon inside a string', '{"a": "k\\": }"}'],
    ['a trailing comma', '{"a": 1,}'],
    ['an unquoted word', '{"a": dbengine}'],
    ['NaN', '{"a": NaN}'],
    ['single quotes', "{'a': 1}"],
  ])('leaves %s alone', (_name, text) => {
    expect(repairNetdataJson(text)).toBeUndefined();
  });

  test.each([
    ['an empty value in an array', '{"a": [1, , 2]}'],
    ['an empty value and a trailing comma', '{"a": , }'],
    ['a truncated body with an empty value', '{"a": , "b": "'],
  ])('does not make %s valid', (_name, text) => {
    const repaired = repairNetdataJson(text);
    expect(() => JSON.parse(repaired ?? text)).toThrow();
  });

  test('is linear: a 64 KiB body of empty values is repaired at once', () => {
    const text = `{${Array.from({ length: 5000 }, (_, i) => `"k${i}": `).join(',')} }`;
    expect(() => JSON.parse(text)).toThrow();
    const value = JSON.parse(repairNetdataJson(text) ?? '') as Record<string, unknown>;
    expect(Object.keys(value)).toHaveLength(5000);
  });
});

function setup() {
  const { store, post } = ingestHarness({
    secret: 'malformed-secret',
    now: '2026-03-10T12:00:00Z',
  });
  return { store, post };
}

describe('POST /compat/netdata with the real malformed bodies', () => {
  test.each([
    'netdata-agent-fatal-early.malformed.txt',
    'netdata-agent-fatal-early-no-id.malformed.txt',
    'netdata-agent-start-no-system-info.malformed.txt',
    'netdata-installer-checksum-failed.malformed.txt',
  ])('%s is not JSON, and is stored', async (name) => {
    const body = fixture(name);
    expect(() => JSON.parse(body)).toThrow();
    const h = setup();
    const res = await h.post('/compat/netdata', body);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(h.store.events.size).toBe(1);
  });

  test('an early FATAL keeps its failure, platform and install', async () => {
    const h = setup();
    await h.post('/compat/netdata', fixture('netdata-agent-fatal-early.malformed.txt'));
    const [event] = [...h.store.events.values()];
    expect(event).toMatchObject({
      type: 'fatal',
      source: 'netdata',
      product: { version: '2.5.0' },
      platform: { os: 'debian', osVersion: '12', kernelVersion: '6.1.0-18-amd64' },
      failure: { program: 'netdata', thread: 'MAIN', line: 151, file: 'src/daemon' },
    });
    expect(event?.install).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the checksum failure keeps its message and not the claim token', async () => {
    const h = setup();
    const body = fixture('netdata-installer-checksum-failed.malformed.txt');
    expect(body).toContain('--claim-token Xk3jT0k3nS3cr3tV4lu3');
    const res = await h.post('/compat/netdata', body);
    expect(res.body).toMatchObject({
      ignoredFields: expect.arrayContaining(['properties.install_options']),
    });
    const [event] = [...h.store.events.values()];
    expect(event).toMatchObject({ type: 'install_failed', failure: { code: 'F0207' } });
    // The scrubber turns the line break into a space, as it does for every message.
    expect(event?.failure?.message).toMatch(
      /^Static binary checksum validation failed\. Expected: /,
    );
    const stored = JSON.stringify([...h.store.events.values()]);
    for (const secret of ['Xk3jT0k3nS3cr3tV4lu3', '5c2b1a', 'app.netdata.cloud', '--claim']) {
      expect(stored).not.toContain(secret);
    }
  });

  test.each([
    ['a trailing comma', '{"event": "START -", "properties": {"distinct_id": "a-b-c-d",}}'],
    ['an unquoted word', '{"event": "START -", "properties": {"netdata_buildinfo": dbengine}}'],
    ['an empty value in an array', '{"event": "START -", "properties": {"x": [1, , 2]}}'],
    ['a truncated body', '{"event": "START -", "properties": {"netdata_buildinfo": ,'],
  ])('%s is still a 400 with the error shape; nothing stored', async (_name, body) => {
    const h = setup();
    const res = await h.post('/compat/netdata', body);
    expectErrorBody(res, 400, 'bad_request');
    expect(h.store.events.size).toBe(0);
  });

  test('the repair is Netdata’s alone: the same defect elsewhere is a 400', async () => {
    const h = setup();
    const canonical = await h.post(
      '/v1/events',
      '{"schema": 1, "installId": "abcd-1234", "type": }',
    );
    expectErrorBody(canonical, 400, 'bad_request');
    const openwisp = await h.post(
      '/compat/cleaninsights.php',
      '{"idsite": 5, "events": [{"category": "Heartbeat", "action": "a\nb"}]}',
    );
    expectErrorBody(openwisp, 400, 'bad_request');
    expect(h.store.events.size).toBe(0);
  });
});
