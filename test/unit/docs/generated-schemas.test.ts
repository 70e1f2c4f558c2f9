// The committed JSON Schemas and OpenAPI document must match the zod schemas they come from.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { buildJsonSchemas, buildOpenApi } from '../../../functions/src/docs/openapi.ts';

const generated = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../shared/generated/${name}`, import.meta.url), 'utf8'));

describe('generated documents are up to date (run `npm run schema` when this fails)', () => {
  test.each(Object.entries(buildJsonSchemas()))('%s', (name, schema) => {
    expect(generated(name)).toEqual(schema);
  });

  test('openapi.json', () => {
    expect(generated('openapi.json')).toEqual(buildOpenApi());
  });

  test('the event schema bounds every string and ranges every number', () => {
    const walk = (node: unknown, path: string): string[] => {
      if (node === null || typeof node !== 'object') return [];
      const record = node as Record<string, unknown>;
      const problems: string[] = [];
      if (
        record.type === 'string' &&
        record.maxLength === undefined &&
        record.format === undefined &&
        record.const === undefined &&
        record.enum === undefined
      ) {
        problems.push(`${path}: unbounded string`);
      }
      if (
        (record.type === 'number' || record.type === 'integer') &&
        record.const === undefined &&
        (record.maximum === undefined || record.minimum === undefined)
      ) {
        problems.push(`${path}: unranged number`);
      }
      for (const [key, value] of Object.entries(record))
        problems.push(...walk(value, `${path}/${key}`));
      return problems;
    };
    expect(walk(buildJsonSchemas()['event.schema.json'], '#')).toEqual([]);
  });
});
