// Storage size of a Firestore document and of its automatic single-field index entries, by the
// documented rules (cloud.google.com/firestore/docs/storage-size): strings are UTF-8 bytes + 1,
// numbers and timestamps 8, booleans and null 1, maps and arrays the sum of their parts, a
// document 32 bytes plus its name and fields. Index entries are approximated as the document
// name, the field path and the value plus 32 bytes, twice (ascending and descending) per indexed
// value, and once per array element (array-contains).

/** Size of a string as Firestore counts it. */
function stringSize(value: string): number {
  return Buffer.byteLength(value, 'utf8') + 1;
}

function isTimestamp(value: object): boolean {
  return typeof (value as { toMillis?: unknown }).toMillis === 'function';
}

/** Size of one field value. */
export function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 8;
  if (typeof value === 'string') return stringSize(value);
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + valueSize(v), 0);
  if (typeof value === 'object') {
    if (isTimestamp(value)) return 8;
    return Object.entries(value).reduce((sum, [k, v]) => sum + stringSize(k) + valueSize(v), 0);
  }
  return 0;
}

/** Size of a document name: each path segment, plus 16 bytes. */
export function documentNameSize(collection: string, id: string): number {
  return stringSize(collection) + stringSize(id) + 16;
}

/** Stored size of one document. */
export function documentSize(
  collection: string,
  id: string,
  data: Record<string, unknown>,
): number {
  return documentNameSize(collection, id) + valueSize(data) + 32;
}

/** Approximate storage of the automatic single-field index entries of a document. */
export function indexEntriesSize(
  collection: string,
  id: string,
  data: Record<string, unknown>,
  unindexed: ReadonlySet<string>,
): number {
  const name = documentNameSize(collection, id);
  let total = 0;
  const walk = (path: string, value: unknown) => {
    if (unindexed.has(path)) return;
    const entry = name + stringSize(path) + valueSize(value) + 32;
    total += 2 * entry;
    if (Array.isArray(value))
      for (const element of value) total += name + stringSize(path) + valueSize(element) + 32;
    else if (value !== null && typeof value === 'object' && !isTimestamp(value))
      for (const [key, inner] of Object.entries(value)) walk(`${path}.${key}`, inner);
  };
  for (const [key, value] of Object.entries(data)) walk(key, value);
  return total;
}
