/**
 * Fakes for calling the HTTP handlers without a server: a request built like the one Express
 * hands to a Cloud Function, a response that records what the client would see, a settable
 * clock, and a logger that keeps every line.
 */
import { expect } from 'vitest';
import type { Logger, LogFields, Severity } from '../../functions/src/http/log.ts';
import type { HttpRequest, HttpResponse } from '../../functions/src/http/types.ts';

/** How a fake request is built. */
export interface FakeRequestOptions {
  method?: string;
  path: string;
  /** Header names are lower-cased, as Node does. */
  headers?: Record<string, string | string[]>;
  /** The raw body: bytes or text as sent; anything else is sent as its JSON text. */
  body?: Buffer | string | unknown;
  /** The Content-Type header; defaults to application/json when there is a body. */
  contentType?: string | null;
  query?: Record<string, unknown>;
}

/** A request as firebase-functions hands it to a handler: raw body, lower-cased headers. */
export function fakeRequest(options: FakeRequestOptions): HttpRequest {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  let rawBody: Buffer | undefined;
  if (options.body !== undefined) {
    rawBody = Buffer.isBuffer(options.body)
      ? options.body
      : Buffer.from(
          typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
          'utf8',
        );
  }
  const contentType =
    options.contentType === undefined
      ? rawBody === undefined
        ? undefined
        : 'application/json'
      : options.contentType;
  if (contentType !== null && contentType !== undefined) headers['content-type'] = contentType;
  if (rawBody !== undefined) headers['content-length'] = String(rawBody.length);
  return {
    method: options.method ?? 'POST',
    path: options.path,
    headers,
    rawBody,
    query: options.query ?? {},
  };
}

/** A POST of a JSON body. */
export function jsonRequest(
  path: string,
  body: unknown,
  options: Omit<FakeRequestOptions, 'path' | 'body'> = {},
): HttpRequest {
  return fakeRequest({ ...options, path, body: JSON.stringify(body) });
}

/** A POST of an `application/x-www-form-urlencoded` body. */
export function formRequest(
  path: string,
  form: string | Record<string, string>,
  options: Omit<FakeRequestOptions, 'path' | 'body' | 'contentType'> = {},
): HttpRequest {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return fakeRequest({
    ...options,
    path,
    body,
    contentType: 'application/x-www-form-urlencoded',
  });
}

/** Request headers that carry a caller's address; the handlers must never read them. */
export const FORWARDING_HEADERS = [
  'x-forwarded-for',
  'x-real-ip',
  'forwarded',
  'cf-connecting-ip',
  'true-client-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'fastly-client-ip',
] as const;

/** Properties of an Express request that carry the caller's address. */
export const ADDRESS_PROPERTIES = ['ip', 'ips', 'socket', 'connection'] as const;

/**
 * Makes every way to learn the caller's address throw: the address properties of the request
 * object and the forwarding headers. A handler that touches any of them fails the request.
 */
export function forbidCallerAddress(req: HttpRequest): HttpRequest {
  for (const name of ADDRESS_PROPERTIES) {
    Object.defineProperty(req, name, {
      enumerable: false,
      configurable: true,
      get() {
        throw new Error(`the handler read req.${name}`);
      },
    });
  }
  const forbidden = new Set<string>(FORWARDING_HEADERS);
  req.headers = new Proxy(req.headers, {
    get(target, key, receiver) {
      if (typeof key === 'string' && forbidden.has(key.toLowerCase())) {
        throw new Error(`the handler read the ${key} header`);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return req;
}

/** Gives the request the address properties Express would set, all holding `address`. */
export function withCallerAddress(req: HttpRequest, address: string): HttpRequest {
  const socket = { remoteAddress: address, remotePort: 52_114, remoteFamily: 'IPv4' };
  Object.assign(req, { ip: address, ips: [address], socket, connection: socket });
  return req;
}

/** How a response ended. */
export type Ending = 'json' | 'send' | 'end';

/** A response that records status, headers and body, and rejects a second answer. */
export class FakeResponse implements HttpResponse {
  statusCode = 200;
  /** Headers by lower-cased name. */
  readonly headers: Record<string, string> = {};
  /** The body as the client would parse it (JSON round trip); undefined when none was sent. */
  body: unknown = undefined;
  /** How the response was finished; undefined while it is still open. */
  ending: Ending | undefined;

  status(code: number): this {
    this.assertOpen('status');
    this.statusCode = code;
    return this;
  }

  set(field: string, value: string): this {
    this.assertOpen('set');
    this.headers[field.toLowerCase()] = value;
    return this;
  }

  json(body: unknown): this {
    this.finish('json');
    this.headers['content-type'] ??= 'application/json; charset=utf-8';
    this.body = body === undefined ? undefined : (JSON.parse(JSON.stringify(body)) as unknown);
    return this;
  }

  send(body?: unknown): this {
    this.finish('send');
    // A JSON text sent as it is reads like res.json()'s body, as a client would parse it.
    const json = this.headers['content-type']?.startsWith('application/json') === true;
    this.body = json && typeof body === 'string' ? (JSON.parse(body) as unknown) : body;
    return this;
  }

  end(): this {
    this.finish('end');
    return this;
  }

  /** A header by name, case-insensitively. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  private finish(how: Ending): void {
    this.assertOpen(how);
    this.ending = how;
  }

  private assertOpen(call: string): void {
    if (this.ending !== undefined) {
      throw new Error(`res.${call}() after the response was finished with res.${this.ending}()`);
    }
  }
}

/** A clock the test moves by hand. */
export interface FakeClock {
  now: () => number;
  set(time: string | number): void;
  advance(ms: number): void;
}

/** A clock standing at `start` until the test moves it. */
export function fakeClock(start: string | number): FakeClock {
  let current = typeof start === 'string' ? Date.parse(start) : start;
  return {
    now: () => current,
    set(time) {
      current = typeof time === 'string' ? Date.parse(time) : time;
    },
    advance(ms) {
      current += ms;
    },
  };
}

/** One recorded log call. */
export interface LogLine {
  severity: Severity;
  message: string;
  fields: LogFields;
}

/** A Logger that keeps every call. */
export function recordingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    log: (severity, message, fields) => {
      lines.push({ severity, message, fields: structuredClone(fields) });
    },
  };
}

/** Asserts the one error shape: exactly `{"error": {"code", "message", "issues"?}}`. */
export function expectErrorBody(res: FakeResponse, status: number, code?: string): void {
  expect(res.statusCode, JSON.stringify(res.body)).toBe(status);
  expect(res.ending).toBe('json');
  const body = res.body as { error?: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  const error = body.error ?? {};
  const keys = Object.keys(error).sort();
  expect(['code,message', 'code,issues,message']).toContain(keys.join(','));
  expect(typeof error.code).toBe('string');
  if (code !== undefined) expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
  expect((error.message as string).length).toBeGreaterThan(0);
  if ('issues' in error) {
    expect(Array.isArray(error.issues)).toBe(true);
    const issues = error.issues as unknown[];
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(Object.keys(issue as object).sort()).toEqual(['message', 'path']);
      const { path, message } = issue as { path: unknown; message: unknown };
      expect(Array.isArray(path)).toBe(true);
      for (const part of path as unknown[]) expect(['string', 'number']).toContain(typeof part);
      expect(typeof message).toBe('string');
    }
  }
}
