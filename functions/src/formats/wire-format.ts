/**
 * What one wire format is: everything the ingest function, the OpenAPI document and the function
 * wiring need to know about one endpoint, in one entry. The registry (registry.ts) lists the
 * entries; routes, the stored `source` union, the OpenAPI paths and JSON Schemas and the paths
 * whose unparseable bodies reach the handler are all derived from it.
 */
import type { z } from 'zod';
import type { CompatFormat, DeploymentConfig } from '../../../shared/config.ts';
import type { BodyIssue } from '../../../shared/schema/api.ts';
import type { Body, BodyKind, ReadOptions } from '../http/body.ts';
import type { AdapterResult } from '../model/incoming.ts';

/** What a format makes of a decoded body; the ingest handler does the rest (store, answer). */
export type Intake<S extends string> =
  /**
   * Events to prepare and store. `content` is the parsed body of a client that may send no
   * install id: a byte-identical resend on the same day is then recognised and stored once.
   */
  | { kind: 'events'; result: AdapterResult<S>; content?: unknown }
  /** Erase every stored record of this install (any form of its id). */
  | { kind: 'erase'; installId: string }
  /** Nothing to store or erase; answered like an erase (LibreNMS's empty clear). */
  | { kind: 'nothing' }
  /** The body is not this format: a 400 `invalid_body` with these issues. */
  | { kind: 'invalid'; message: string; issues: BodyIssue[] };

/** How an endpoint answers once its work is done (errors have their one shape). */
export type Reply =
  /** `{"accepted", "duplicates", "ignoredFields"}` with this status. */
  | { status: 200 | 202; body: 'accepted' }
  /** No body: what Clean Insights' client expects. */
  | { status: 204; body: 'none' }
  /** `{"erased": true}`, whatever was stored. */
  | { status: 200; body: 'erased' };

/** One endpoint of the `ingest` function. */
export interface WireFormat<S extends string = string> {
  /** The path under the site (hosting rewrites `/v1/**` and `/compat/**` to `ingest`). */
  path: `/v1/${string}` | `/compat/${string}`;
  /**
   * The deployment's switch for this format (`compat` in homecall.config.ts); none: always on.
   * `npm run schema` derives the list of switches (shared/generated/compat-formats.ts) from the
   * entries, so a new name here becomes a switch of the configuration once it is run.
   */
  format?: CompatFormat;
  /** Who sends it, as the privacy page names it: required with `format`, one name per switch. */
  client?: string;
  /** The `source` of the events it stores; none for an endpoint that stores no events. */
  source?: S;
  /** Body encodings accepted (415 otherwise). */
  accepts: readonly BodyKind[];
  /** How the body is read beyond its media type (e.g. repairs of one client's known defects). */
  read?: ReadOptions;
  /** Maps a decoded body to what should happen. Pure: the handler does the I/O. */
  intake: (body: Body, config: DeploymentConfig) => Intake<S>;
  /** The answer on success. */
  reply: Reply;
  /** How the OpenAPI document describes it. */
  docs: {
    summary: string;
    /** The request body's schema (several: any one of them). */
    request: z.ZodType | readonly z.ZodType[];
    /** The JSON Schemas `npm run schema` writes to shared/generated, by file name. */
    schemas: Readonly<Record<string, z.ZodType>>;
  };
}

/**
 * Declares a wire format, keeping its `source` as a literal type so the registry can derive the
 * union of sources from its entries.
 */
export function wireFormat<const S extends string = never>(format: WireFormat<S>): WireFormat<S> {
  return format;
}

/** The form body of a form-encoded endpoint (an empty one when the body was JSON). */
export function formOf(body: Body): URLSearchParams {
  return body.kind === 'form' ? body.value : new URLSearchParams();
}
