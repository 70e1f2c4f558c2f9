/**
 * The compat switches of the configuration, derived from the wire formats: `npm run schema`
 * writes them to shared/generated/compat-formats.ts, where the configuration schema (which
 * names the `compat` switches) and the site's privacy page (which names who sends what) read
 * them without importing the functions. Adding a compat format is then one entry, not an entry
 * plus a list in the configuration plus a name on the page.
 */
import type { WireFormat } from '../formats/wire-format.ts';

/** One switch of `compat`: who sends it and the paths it opens. */
export interface CompatSwitch {
  format: string;
  client: string;
  paths: string[];
}

/** The switches named by the entries, in registry order, with every path each one opens. */
export function compatSwitches(formats: readonly WireFormat[]): CompatSwitch[] {
  const switches = new Map<string, CompatSwitch>();
  for (const entry of formats) {
    if (entry.format === undefined) continue;
    if (!/^[a-z][a-z0-9]*$/.test(entry.format)) {
      throw new Error(`${entry.path}: a compat switch is lower-case letters and digits`);
    }
    if (!entry.client) throw new Error(`${entry.path}: a compat format names its client`);
    const known = switches.get(entry.format);
    if (known && known.client !== entry.client) {
      throw new Error(
        `${entry.path}: switch ${entry.format} is sent by "${known.client}" in another entry`,
      );
    }
    if (known) known.paths.push(entry.path);
    else
      switches.set(entry.format, {
        format: entry.format,
        client: entry.client,
        paths: [entry.path],
      });
  }
  return [...switches.values()];
}

/** The text of shared/generated/compat-formats.ts for these switches. */
export function compatFormatsModule(switches: readonly CompatSwitch[]): string {
  const rows = switches.map(
    (s) =>
      `  ${s.format}: { client: ${JSON.stringify(s.client)}, paths: ${JSON.stringify(s.paths)} },`,
  );
  return [
    '// Written by `npm run schema` from functions/src/formats/registry.ts: do not edit.',
    '',
    '/** The compat wire formats a deployment can switch on or off besides `/v1/events`. */',
    `export const COMPAT_FORMATS = [${switches.map((s) => `'${s.format}'`).join(', ')}] as const;`,
    '',
    '/** Who sends each compat format and the paths it opens, as the privacy page lists them. */',
    'export const COMPAT_CLIENTS: Readonly<',
    '  Record<(typeof COMPAT_FORMATS)[number], { client: string; paths: readonly string[] }>',
    '> = {',
    ...rows,
    '};',
    '',
  ].join('\n');
}
