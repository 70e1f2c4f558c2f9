/** Structured request logging with an allowlist of fields: nothing that identifies a caller. */

/** Severity levels of Cloud Logging that homecall uses. */
export type Severity = 'INFO' | 'WARNING' | 'ERROR';

/** The only fields a log line may carry. */
export interface LogFields {
  method?: string;
  path?: string;
  status?: number;
  durationMs?: number;
  source?: string;
  accepted?: number;
  duplicates?: number;
  ignored?: number;
  errorCode?: string;
  reason?: string;
}

/** Where log lines go: firebase-functions' logger in production, an array in tests. */
export type Logger = (severity: Severity, message: string, fields: LogFields) => void;

const ALLOWED = new Set<keyof LogFields>([
  'method',
  'path',
  'status',
  'durationMs',
  'source',
  'accepted',
  'duplicates',
  'ignored',
  'errorCode',
  'reason',
]);

/** Copies only allowlisted fields, so a careless call site cannot leak more. */
export function allowlistFields(fields: LogFields): LogFields {
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (ALLOWED.has(key as keyof LogFields) && value !== undefined) safe[key] = value;
  }
  return safe as LogFields;
}
