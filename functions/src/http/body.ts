/** Reads a request body from the raw bytes, enforcing size, media type, UTF-8 and JSON safety. */
import { FORBIDDEN_KEYS, findUnsafeJson } from '../../../shared/schema/json-safety.ts';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from '../../../shared/schema/limits.ts';
import { HttpError } from './errors.ts';
import type { HttpRequest } from './types.ts';

// One strict decoder for every request: creating one per request shows in profiles.
const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** The media type of each body kind. */
export const MEDIA_TYPES = {
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
function assertSafeJson(root: unknown): void {
  const unsafe = findUnsafeJson(root, MAX_JSON_DEPTH);
  if (unsafe?.problem === 'depth') {
    throw new HttpError(400, 'bad_request', `Body nests deeper than ${MAX_JSON_DEPTH} levels.`, {
      issues: [{ path: unsafe.path, message: 'too deeply nested' }],
    });
  }
  if (unsafe?.problem === 'key') assertSafeKey(unsafe.key, unsafe.path);
}

function assertSafeKey(key: string, path: (string | number)[]): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new HttpError(400, 'bad_request', `Key "${key}" is not allowed.`, {
      issues: [{ path, message: 'forbidden key' }],
    });
  }
}
