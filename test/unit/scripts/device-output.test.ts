// The device export's CSV (RFC 4180) and JSON forms.
import { describe, expect, test } from 'vitest';
import {
  csvField,
  devicePairsToCsv,
  devicePairsToJson,
  formatDeviceExport,
} from '../../../scripts/lib/device-output.ts';
import type { DevicePair } from '../../../scripts/lib/device-pairs.ts';

const pair = (sysDescr: string | null, os: string | null = 'ios'): DevicePair => ({
  os,
  sysObjectID: '.1.3.6.1.4.1.9.1.516',
  sysDescr,
  installs: 5,
  devices: 12,
});

/** An RFC 4180 reader, small and strict, to prove each record reads back as written. */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    const next = text[i + 1];
    if (quoted) {
      if (c !== '"') field += c;
      else if (next === '"') {
        field += '"';
        i += 1;
      } else quoted = false;
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && next === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else if (c === '"' || c === '\r' || c === '\n') {
      throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    } else field += c;
  }
  if (quoted || field !== '' || record.length > 0) throw new Error('unterminated record');
  return records;
}

describe('CSV fields', () => {
  test.each<[string, string | number | null, string]>([
    ['plain text stays as it is', 'Cisco IOS Software C2960', 'Cisco IOS Software C2960'],
    ['a comma is quoted', 'Cisco IOS Software, C2960', '"Cisco IOS Software, C2960"'],
    ['quotes are doubled inside quotes', 'C2960 "LAN Base"', '"C2960 ""LAN Base"""'],
    ['a line feed is quoted', 'line one\nline two', '"line one\nline two"'],
    ['a CRLF is quoted', 'line one\r\nline two', '"line one\r\nline two"'],
    ['a lone carriage return is quoted', 'a\rb', '"a\rb"'],
    ['everything at once', ',"\n', '",""\n"'],
    ['spaces stay unquoted', '  padded  ', '  padded  '],
    ['absent is empty', null, ''],
    ['an empty string is empty', '', ''],
    ['a number', 42, '42'],
  ])('%s', (_name, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('CSV document', () => {
  test('a header and one CRLF-terminated record per pair', () => {
    expect(devicePairsToCsv([pair('Cisco IOS Software, C2960'), pair(null, null)])).toBe(
      'os,sysObjectID,sysDescr,installs,devices\r\n' +
        'ios,.1.3.6.1.4.1.9.1.516,"Cisco IOS Software, C2960",5,12\r\n' +
        ',.1.3.6.1.4.1.9.1.516,,5,12\r\n',
    );
    expect(devicePairsToCsv([])).toBe('os,sysObjectID,sysDescr,installs,devices\r\n');
  });

  test('commas, quotes and line breaks in sysDescr read back exactly, five fields a record', () => {
    const awkward = [
      'Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE11',
      'ProCurve "J9021A" Switch 2810-24G, revision N.11.25',
      'Juniper Networks\nJUNOS 12.3R12.4\r\nbuilt by builder',
      '"',
      ',',
    ];
    const records = readCsv(devicePairsToCsv(awkward.map((s) => pair(s))));
    expect(records).toHaveLength(awkward.length + 1);
    expect(records.every((r) => r.length === 5)).toBe(true);
    expect(records.slice(1).map((r) => r[2])).toEqual(awkward);
  });
});

describe('JSON document', () => {
  test('the range, k, the published pairs and how many were held back; absent is null', () => {
    const text = devicePairsToJson(
      { from: '2026-11-01', to: '2026-11-07', k: 5 },
      { published: [pair('a "b",\nc', null)], found: 3, heldBack: 2 },
    );
    expect(JSON.parse(text)).toEqual({
      kind: 'devices',
      from: '2026-11-01',
      to: '2026-11-07',
      k: 5,
      pairs: [
        {
          os: null,
          sysObjectID: '.1.3.6.1.4.1.9.1.516',
          sysDescr: 'a "b",\nc',
          installs: 5,
          devices: 12,
        },
      ],
      pairsHeldBack: 2,
    });
    expect(text.endsWith('}\n')).toBe(true);
  });

  test('formatDeviceExport picks the form', () => {
    const result = { published: [pair('x')], found: 1, heldBack: 0 };
    const meta = { from: '2026-11-01', to: '2026-11-01', k: 5 };
    expect(formatDeviceExport('csv', meta, result)).toBe(devicePairsToCsv(result.published));
    expect(formatDeviceExport('json', meta, result)).toBe(devicePairsToJson(meta, result));
  });
});
