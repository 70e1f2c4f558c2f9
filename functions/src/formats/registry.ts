/**
 * Every endpoint of the `ingest` function, one entry each (wire-format.ts says what an entry
 * holds). The ingest handler's routes, the `source` union of stored events, the OpenAPI document's
 * POST paths and the JSON Schemas of the bodies, and the paths whose unparseable bodies the
 * function answers itself are all derived from this list: adding a wire format is one file with
 * its entry, and one line here.
 */
import { cleanInsights } from './cleaninsights.ts';
import { libreNmsClear, libreNmsLog } from './librenms.ts';
import { netdata } from './netdata.ts';
import { v1Erase, v1Events } from './v1.ts';

/** The endpoints, in the order the OpenAPI document lists them. */
export const WIRE_FORMATS = [
  v1Events,
  v1Erase,
  netdata,
  libreNmsLog,
  libreNmsClear,
  cleanInsights,
] as const;

/** Where a stored event came in: the `source` of some wire format. */
export type EventSource = NonNullable<(typeof WIRE_FORMATS)[number]['source']>;

/** The first segment of every ingest path, slashes included (`/v1/`, `/compat/`). */
const INGEST_PREFIXES: readonly string[] = [
  ...new Set(WIRE_FORMATS.map(({ path }) => path.slice(0, path.indexOf('/', 1) + 1))),
];

/**
 * Whether a path belongs to the ingest function (a wire format's, or an unknown one beside them,
 * which ingest answers 404): the runtime hands such requests to it when their JSON is unparseable.
 */
export function isIngestPath(path: string): boolean {
  return INGEST_PREFIXES.some((prefix) => path.startsWith(prefix));
}
