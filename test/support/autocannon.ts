// autocannon ships no types, and test/bench/autocannon.d.ts declares only the slice the benchmark
// uses (as the module's default export, which a second declaration cannot extend). This is the
// rest of the programmatic API the reliability suites need: per-request hooks with their context,
// status counts and more of the latency histogram — the same function, typed more fully.
import autocannon from 'autocannon';

/** A latency or throughput histogram (milliseconds for latency). */
export interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
}

/** What a run resolves to. */
export interface Result {
  requests: Histogram;
  latency: Histogram;
  /** Seconds the run took. */
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
  '1xx': number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  non2xx: number;
  /** Socket errors and timeouts together. */
  errors: number;
  timeouts: number;
  resets: number;
}

/** One request as setupRequest receives and returns it. */
export interface RequestParams {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Per connection. With pipelining 1 autocannon resets it before each request is set up, so what
 * setupRequest stores in it is what onResponse reads for that request's answer.
 */
export type RequestContext = Record<string, unknown>;

/** A request template with per-request hooks. */
export interface HookedRequest extends RequestParams {
  /** Returns the request to send; called once per request with that request's context. */
  setupRequest?: (req: RequestParams, context: RequestContext) => RequestParams;
  /** Called with every complete answer, before the connection sends its next request. */
  onResponse?: (
    status: number,
    body: string,
    context: RequestContext,
    headers: Record<string, string | string[]>,
  ) => void;
}

/** Options of a run with hooks (pipelining stays 1, so hooks see one request at a time). */
export interface HookedOptions {
  url: string;
  connections?: number;
  /** Seconds. */
  duration?: number;
  /** Seconds without an answer before a request counts as a timeout (default 10). */
  timeout?: number;
  /** Requests per second over all connections (default: as fast as answers come). */
  overallRate?: number;
  headers?: Record<string, string>;
  requests: HookedRequest[];
}

/** autocannon itself, with the fuller types. */
export const runAutocannon = autocannon as unknown as (options: HookedOptions) => Promise<Result>;
