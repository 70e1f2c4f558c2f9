/** Writes the generated JSON Schemas and OpenAPI document to shared/generated (committed). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildJsonSchemas, buildOpenApi } from '../functions/src/docs/openapi.ts';

const dir = new URL('../shared/generated/', import.meta.url);
mkdirSync(dir, { recursive: true });
const files: Record<string, unknown> = { ...buildJsonSchemas(), 'openapi.json': buildOpenApi() };
for (const [name, document] of Object.entries(files)) {
  writeFileSync(new URL(name, dir), `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote shared/generated/${name}`);
}
