// The wire formats' registry is the one list of ingest endpoints: every entry is routed by the
// handler, described in the OpenAPI document with its body's media type and answers, has its JSON
// Schemas generated and committed, reaches the function through the hosting rewrites, and every
// entry a file in functions/src/formats/ declares is listed (so adding a format is one file).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { COMPAT_FORMATS, deploymentConfig } from '../../../shared/config.ts';
import { buildJsonSchemas, buildOpenApi } from '../../../functions/src/docs/openapi.ts';
import { isIngestPath, WIRE_FORMATS } from '../../../functions/src/formats/registry.ts';
import type { WireFormat } from '../../../functions/src/formats/wire-format.ts';
import { MEDIA_TYPES } from '../../../functions/src/http/body.ts';
import { ROUTES } from '../../../functions/src/ingest/handler.ts';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** The OpenAPI document of a deployment that accepts every compat format. */
const everyFormat = buildOpenApi({
  ...deploymentConfig,
  compat: Object.fromEntries(COMPAT_FORMATS.map((f) => [f, true])) as Record<
    (typeof COMPAT_FORMATS)[number],
    boolean
  >,
}) as { paths: Record<string, { post?: PostItem }> };

interface PostItem {
  requestBody: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}

const entries = WIRE_FORMATS.map((format) => [format.path, format] as const);

describe('every registry entry', () => {
  test('is a route of the ingest handler, and the routes are exactly the registry', () => {
    expect(Object.keys(ROUTES).sort()).toEqual(WIRE_FORMATS.map((f) => f.path).sort());
    for (const format of WIRE_FORMATS) expect(ROUTES[format.path]).toBe(format);
  });

  test.each(entries)('%s is in the OpenAPI document with its media type and answers', (path, f) => {
    const post = everyFormat.paths[path]?.post;
    expect(post, path).toBeDefined();
    expect(Object.keys(post?.requestBody.content ?? {})).toEqual(
      f.accepts.map((kind) => MEDIA_TYPES[kind]),
    );
    const success = post?.responses[String(f.reply.status)];
    expect(success).toBeDefined();
    // A 204 has no body; every other answer documents its JSON.
    expect(success?.content === undefined).toBe(f.reply.body === 'none');
    for (const status of ['400', '405', '413', '415', '429', '503'])
      expect(post?.responses[status]).toBeDefined();
  });

  test.each(entries)('%s has its JSON Schemas generated and committed', (_path, format) => {
    const generated = buildJsonSchemas();
    const files = Object.keys(format.docs.schemas);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(generated[file]).toBeDefined();
      expect(JSON.parse(read(`shared/generated/${file}`))).toEqual(generated[file]);
    }
  });

  test.each(entries)('%s reaches the ingest function through the hosting rewrites', (path) => {
    const firebase = JSON.parse(read('firebase.json')) as {
      hosting: { rewrites: { source: string; function?: { functionId: string } }[] };
    };
    const rewrite = firebase.hosting.rewrites.find(
      (r) => r.source.endsWith('/**') && path.startsWith(r.source.slice(0, -2)),
    );
    expect(rewrite?.function?.functionId).toBe('ingest');
    // Bodies the runtime cannot parse on this path are handed to ingest too.
    expect(isIngestPath(path)).toBe(true);
  });
});

test('the function answers unparseable bodies only on ingest paths', () => {
  for (const path of ['/api/v1/days', '/', '/privacy', '/v1', '/compatible/x'])
    expect(isIngestPath(path), path).toBe(false);
  expect(isIngestPath('/v1/no-such-endpoint')).toBe(true);
});

test('paths, sources and schema files are unique; a compat format has its switch in the configuration', () => {
  expect(new Set(WIRE_FORMATS.map((f) => f.path)).size).toBe(WIRE_FORMATS.length);
  // Two entries naming one JSON Schema file would overwrite each other's.
  const files = WIRE_FORMATS.flatMap((f) => Object.keys(f.docs.schemas));
  expect(new Set(files).size).toBe(files.length);
  for (const answer of ['accepted', 'error', 'day-aggregate', 'days-response'])
    expect(files).not.toContain(`${answer}.schema.json`);
  const sources = WIRE_FORMATS.flatMap((f) => (f.source === undefined ? [] : [f.source]));
  expect(new Set(sources).size).toBe(sources.length);
  for (const format of WIRE_FORMATS) {
    if (format.path.startsWith('/compat/')) expect(COMPAT_FORMATS).toContain(format.format);
  }
});

test('every entry declared in functions/src/formats/ is listed in the registry', async () => {
  const dir = new URL('functions/src/formats/', root);
  const files = readdirSync(dir).filter(
    (name) => name.endsWith('.ts') && name !== 'registry.ts' && name !== 'wire-format.ts',
  );
  expect(files.length).toBeGreaterThan(0);
  const listed = new Set<unknown>(WIRE_FORMATS);
  for (const file of files) {
    const module = (await import(new URL(file, dir).href)) as Record<string, unknown>;
    const declared = Object.values(module).filter(isWireFormat);
    expect(declared.length, `${file} declares no wire format`).toBeGreaterThan(0);
    for (const format of declared) expect(listed.has(format), `${file}: ${format.path}`).toBe(true);
  }
});

test("the README's section on adding a wire format names the one file to add and the registry", () => {
  const readme = read('README.md');
  const section = /### Adding a wire format\n([\s\S]*?)\n#{2,3} /.exec(readme)?.[1] ?? '';
  expect(section).toContain('functions/src/formats/<name>.ts');
  expect(section).toContain('functions/src/formats/registry.ts');
});

function isWireFormat(value: unknown): value is WireFormat {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<WireFormat>).path === 'string' &&
    typeof (value as Partial<WireFormat>).intake === 'function'
  );
}
