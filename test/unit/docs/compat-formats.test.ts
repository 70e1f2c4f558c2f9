// The compat switches of the configuration and the clients the privacy page names come from the
// wire-format entries: the committed shared/generated/compat-formats.ts is what `npm run schema`
// writes from the registry, and an entry that would make that list ambiguous stops the script.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { COMPAT_FORMATS } from '../../../shared/config.ts';
import { COMPAT_CLIENTS } from '../../../shared/generated/compat-formats.ts';
import { compatFormatsModule, compatSwitches } from '../../../functions/src/docs/compat-formats.ts';
import { WIRE_FORMATS } from '../../../functions/src/formats/registry.ts';
import { wireFormat, type WireFormat } from '../../../functions/src/formats/wire-format.ts';

const committed = readFileSync(
  new URL('../../../shared/generated/compat-formats.ts', import.meta.url),
  'utf8',
);

test('the committed list of compat switches is what npm run schema writes from the registry', () => {
  expect(committed).toBe(compatFormatsModule(compatSwitches(WIRE_FORMATS)));
});

test('the configuration switches exactly the compat formats the entries name, with every path', () => {
  expect([...COMPAT_FORMATS]).toEqual(['netdata', 'librenms', 'cleaninsights']);
  expect(COMPAT_CLIENTS.librenms.paths).toEqual([
    '/compat/librenms/log.php',
    '/compat/librenms/clear.php',
  ]);
  const named = WIRE_FORMATS.filter((f) => f.format !== undefined);
  for (const entry of named) {
    expect(COMPAT_CLIENTS[entry.format as (typeof COMPAT_FORMATS)[number]].paths).toContain(
      entry.path,
    );
  }
  // Every compat path is behind a switch; the canonical endpoints are not.
  expect(named.map((f) => f.path).sort()).toEqual(
    WIRE_FORMATS.filter((f) => f.path.startsWith('/compat/'))
      .map((f) => f.path)
      .sort(),
  );
});

/** An entry like the registry's, with the fields under test replaced. */
function entry(path: `/compat/${string}`, fields: Partial<WireFormat>): WireFormat {
  const base = WIRE_FORMATS.find((f) => f.format === 'netdata');
  if (!base) throw new Error('the registry has a netdata entry');
  return wireFormat({ ...base, path, ...fields } as WireFormat);
}

test.each([
  [
    'a switch without a client',
    [entry('/compat/a', { format: 'netdata', client: undefined })],
    '/compat/a: a compat format names its client',
  ],
  [
    'one switch with two clients',
    [
      entry('/compat/a', { format: 'netdata', client: 'One' }),
      entry('/compat/b', { format: 'netdata', client: 'Two' }),
    ],
    '/compat/b: switch netdata is sent by "One" in another entry',
  ],
  [
    'a switch that is not a plain name',
    [entry('/compat/a', { format: 'Net-data' as 'netdata', client: 'One' })],
    '/compat/a: a compat switch is lower-case letters and digits',
  ],
])('%s stops npm run schema with a message naming the entry', (_case, formats, message) => {
  expect(() => compatSwitches(formats)).toThrow(message);
});

test('entries of one switch share it; entries without one are not switches', () => {
  const switches = compatSwitches([
    entry('/compat/a', { format: 'netdata', client: 'One' }),
    WIRE_FORMATS[0],
    entry('/compat/b', { format: 'netdata', client: 'One' }),
  ]);
  expect(switches).toEqual([
    { format: 'netdata', client: 'One', paths: ['/compat/a', '/compat/b'] },
  ]);
  expect(compatFormatsModule(switches)).toContain(
    "export const COMPAT_FORMATS = ['netdata'] as const;",
  );
});
