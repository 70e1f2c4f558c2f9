/** Reads a request body from the raw bytes, enforcing size, media type, UTF-8 and JSON safety. */
import { HttpError } from './errors.ts';
import type { HttpRequest } from './types.ts';

/** Largest body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Deepest JSON nesting accepted; real bodies nest four levels at most. */
export const MAX_JSON_DEPTH = 12;

/** Keys that could pollute prototypes; no body may use them, at any depth. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);
// One strict decoder for every request: creating one per request shows in profiles.
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const MEDIA_TYPES = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
} as const;

/** Which body encodings an endpoint accepts. */
export type BodyKind = keyof typeof MEDIA_TYPES;

/** A decoded body. */
export type Body = { kind: 'json'; value: unknown } | { kind: 'form'; value: URLSearchParams };

/** The media type of a request without parameters, lower-cased. */
export function mediaType(req: HttpRequest): string {
  const header = req.headers['content-type'];
  const value = Array.isArray(header) ? header[0] : header;
  return (value ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/** How an endpoint reads its body beyond the media types it accepts. */
export interface ReadOptions {
  /**
   * Repairs the known defects of one client's JSON (returns undefined when there is nothing it
   * knows how to repair); tried only after the body failed to parse as it is.
   */
  repairJson?: (text: string) => string | undefined;
}

/** Decodes the body as one of `accepted`, or throws the HttpError a client should see. */
export function readBody(
  req: HttpRequest,
  accepted: readonly BodyKind[],
  options: ReadOptions = {},
): Body {
  const type = mediaType(req);
  const kind = accepted.find((k) => MEDIA_TYPES[k] === type);
  if (!kind) {
    const wanted = accepted.map((k) => MEDIA_TYPES[k]).join(' or ');
    throw new HttpError(415, 'unsupported_media_type', `Content-Type must be ${wanted}.`);
  }
  const raw = req.rawBody ?? Buffer.alloc(0);
  if (raw.length > MAX_BODY_BYTES) {
    throw new HttpError(413, 'payload_too_large', `Body exceeds ${MAX_BODY_BYTES} bytes.`);
  }
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw new HttpError(400, 'bad_request', 'Body is not valid UTF-8.');
  }
  if (kind === 'form') {
    const form = new URLSearchParams(text);
    for (const key of form.keys()) assertSafeKey(key, [key]);
    return { kind, value: form };
  }
  const value = parseJson(text, options.repairJson);
  assertSafeJson(value);
  return { kind, value };
}

function parseJson(text: string, repair: ReadOptions['repairJson']): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const repaired = repair?.(text);
    if (repaired !== undefined) {
      try {
        return JSON.parse(repaired);
      } catch {
        // Not one of the known defects after all: report the body's own error.
      }
    }
    const reason = error instanceof Error ? error.message : 'parse error';
    throw new HttpError(400, 'bad_request', `Body is not valid JSON: ${reason}`);
  }
}

/** Rejects nesting deeper than MAX_JSON_DEPTH and keys that could pollute prototypes. */
export function assertSafeJson(root: unknown): void {
  // Iterative walk, so a hostile body cannot overflow the stack. Nodes link to their parent and
  // the path is only spelled out for an error: the walk runs on every request.
  interface Node {
    value: unknown;
    depth: number;
    key: string | number | undefined;
    parent: Node | undefined;
  }
  const pathOf = (node: Node | undefined): (string | number)[] => {
    const path: (string | number)[] = [];
    for (let n = node; n?.key !== undefined; n = n.parent) path.unshift(n.key);
    return path;
  };
  const stack: Node[] = [{ value: root, depth: 0, key: undefined, parent: undefined }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { value, depth } = node;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw new HttpError(400, 'bad_request', `Body nests deeper than ${MAX_JSON_DEPTH} levels.`, {
        issues: [{ path: pathOf(node), message: 'too deeply nested' }],
      });
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) {
        stack.push({ value: value[i], depth: depth + 1, key: i, parent: node });
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) assertSafeKey(key, [...pathOf(node), key]);
      stack.push({
        value: (value as Record<string, unknown>)[key],
        depth: depth + 1,
        key,
        parent: node,
      });
    }
  }
}

function assertSafeKey(key: string, path: (string | number)[]): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new HttpError(400, 'bad_request', `Key "${key}" is not allowed.`, {
      issues: [{ path, message: 'forbidden key' }],
    });
  }
}
