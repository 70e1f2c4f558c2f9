/** The shape every wire format is mapped to before the shared privacy pipeline stores it. */
import type { CanonicalEvent } from '../../../shared/schema/event.ts';
import type { DeviceInfo, EventSource } from '../store/types.ts';

/**
 * One event as a client reported it, already mapped to canonical fields but not yet
 * pseudonymised, scrubbed or checked against the time window.
 */
export interface IncomingEvent extends Omit<CanonicalEvent, 'schema' | 'installId'> {
  /** The client's raw install id; null when the client sends none (counted without identity). */
  installId: string | null;
  /**
   * Other raw ids the client sent for itself (Netdata's machine GUID and system id): never stored,
   * and removed from every stored string like the install id.
   */
  identifiers?: string[];
  /** The client's own name for an action homecall has no type for. */
  action?: string;
  /** LibreNMS device facts. */
  devices?: DeviceInfo[];
}

/** A zod-style issue, as returned in the error body. */
export interface BodyIssue {
  path: (string | number)[];
  message: string;
}

/** What an adapter makes of a request body. */
export type AdapterResult =
  | { ok: true; source: EventSource; events: IncomingEvent[]; ignoredFields: string[] }
  | { ok: false; message: string; issues: BodyIssue[] };
