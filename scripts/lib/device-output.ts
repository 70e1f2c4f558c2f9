/** The device export as CSV (RFC 4180) or JSON. Pure. */
import type { Day } from '../../shared/dates.ts';
import type { DevicePair, DevicePairResult } from './device-pairs.ts';

/** Output formats of `npm run export`. */
export const EXPORT_FORMATS = ['csv', 'json'] as const;

/** One output format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What the export was run over, written into the JSON form. */
export interface DeviceExportMeta {
  from: Day;
  to: Day;
  k: number;
}

const CSV_COLUMNS = ['os', 'sysObjectID', 'sysDescr', 'installs', 'devices'] as const;

/** One CSV field: quoted when it holds a quote, comma or line break; quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header and one CRLF-terminated record per pair; an absent string is an empty field. */
export function devicePairsToCsv(pairs: readonly DevicePair[]): string {
  const records = [
    CSV_COLUMNS.join(','),
    ...pairs.map((pair) => CSV_COLUMNS.map((column) => csvField(pair[column])).join(',')),
  ];
  return records.join('\r\n') + '\r\n';
}

/** `{kind, from, to, k, pairs, pairsHeldBack}`; an absent string is null. */
export function devicePairsToJson(meta: DeviceExportMeta, result: DevicePairResult): string {
  const document = {
    kind: 'devices',
    from: meta.from,
    to: meta.to,
    k: meta.k,
    pairs: result.published,
    pairsHeldBack: result.heldBack,
  };
  return JSON.stringify(document, null, 2) + '\n';
}

/** The export in `format`. */
export function formatDeviceExport(
  format: ExportFormat,
  meta: DeviceExportMeta,
  result: DevicePairResult,
): string {
  return format === 'csv' ? devicePairsToCsv(result.published) : devicePairsToJson(meta, result);
}
