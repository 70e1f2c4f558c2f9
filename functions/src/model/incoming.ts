/** The shape every wire format is mapped to before the shared privacy pipeline stores it. */
import type { BodyIssue } from '../../../shared/schema/api.ts';
import type { CanonicalEvent } from '../../../shared/schema/event.ts';
import type { DeviceInfo } from './stored.ts';
import type { EventSource } from '../formats/registry.ts';

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

/** A body an adapter cannot map: the 400 answer's message and issues. */
export interface AdapterFailure {
  ok: false;
  message: string;
  issues: BodyIssue[];
}

/** What an adapter makes of a request body; `S` is the source its events are stored with. */
export type AdapterResult<S extends string = EventSource> =
  { ok: true; source: S; events: IncomingEvent[]; ignoredFields: string[] } | AdapterFailure;
