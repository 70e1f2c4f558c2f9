/** Failure signatures: what the reliability tallies group crashes and fatal errors by. */
import { UNKNOWN } from '../../../shared/aggregate.ts';
import type { Failure } from '../../../shared/schema/event.ts';

/** What identifies a failure across installs: its code, or where it happened. */
export function failureSignature(failure: Failure | undefined): string {
  if (failure?.code) return failure.code;
  const place = failure?.file
    ? `${failure.file}${failure.line === undefined ? '' : `:${failure.line}`}`
    : undefined;
  const parts = [failure?.program, failure?.function, place].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(' ') : UNKNOWN;
}
