/**
 * The wire limits: every length, count, range and depth a request is held to, in one place. The
 * zod schemas state them (so the JSON Schemas and the OpenAPI document show them), the compat
 * adapters bound what they map with them, and the privacy pipeline cuts stored text to them.
 * Zod-free, so anything may import it. The bounds of structured strings (versions, names, counter
 * keys) are their shapes, in shapes.ts.
 */

/** Largest request body, in bytes (413 above). */
export const MAX_BODY_BYTES = 64 * 1024;
/** Deepest JSON nesting of a request body; real bodies nest four levels at most. */
export const MAX_JSON_DEPTH = 12;
/** Deepest nesting of a compat body (or LibreNMS's `data` JSON): theirs nest three levels. */
export const MAX_COMPAT_JSON_DEPTH = 8;
/** Largest number of events one request may carry. */
export const MAX_EVENTS_PER_REQUEST = 100;

/** Longest install id; an over-long one is refused, never cut (a cut id could merge installs). */
export const INSTALL_ID_MAX = 128;
/** Longest event id. */
export const EVENT_ID_MAX = 128;
/** Most modules one event lists. */
export const MODULES_MAX = 100;
/** Most counters one event carries. */
export const COUNTERS_MAX = 500;
/** Largest counter value (and largest count a compat body may report). */
export const COUNT_MAX = 1e12;
/** Longest attribute key. */
export const ATTRIBUTE_KEY_MAX = 64;
/** Longest string attribute value. */
export const ATTRIBUTE_TEXT_MAX = 200;
/** Largest magnitude of a numeric attribute. */
export const ATTRIBUTE_NUMBER_MAX = 1e12;

/** Bounds of the failure fields as a client may send them. */
export const FAILURE_LIMITS = {
  code: 64,
  message: 2000,
  program: 64,
  thread: 64,
  function: 128,
  file: 256,
  /** Largest source line. */
  line: 10_000_000,
  /** Largest magnitude of an OS error number. */
  errno: 100_000,
} as const;

/** Longest failure message stored, after scrubbing. */
export const STORED_MESSAGE_MAX = 500;
/** Longest other failure text stored (code, program, thread, function, file), after scrubbing. */
export const STORED_FAILURE_TEXT_MAX = 256;
/** Longest LibreNMS sysDescr stored, after scrubbing. */
export const STORED_SYSDESCR_MAX = 255;
