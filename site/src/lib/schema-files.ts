/**
 * The generated JSON Schemas and OpenAPI document (`shared/generated/*.json`, written by
 * `npm run schema` from the zod schemas), read at build time so the site publishes them as they
 * are in the repository: never a hand-made copy.
 */

/// <reference types="vite/client" />
// (import.meta.glob is vite's: the build and vitest both provide it.)
const files = import.meta.glob<string>('../../../shared/generated/*.json', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** One published schema document. */
export interface SchemaFile {
  /** File name, also its path under `/schemas/`. */
  name: string;
  text: string;
  /** The document's own description (or OpenAPI title). */
  description: string;
}

function describe(text: string): string {
  const doc = JSON.parse(text) as { description?: unknown; info?: { title?: unknown } };
  if (typeof doc.description === 'string') return doc.description;
  if (typeof doc.info?.title === 'string') return doc.info.title;
  return '';
}

/** Every generated document, by name; the OpenAPI document first. */
export const SCHEMA_FILES: SchemaFile[] = Object.entries(files)
  .map(([path, text]) => {
    const name = path.split('/').pop() ?? path;
    return { name, text, description: describe(text) };
  })
  .sort(
    (a, b) =>
      Number(b.name === 'openapi.json') - Number(a.name === 'openapi.json') ||
      a.name.localeCompare(b.name),
  );
