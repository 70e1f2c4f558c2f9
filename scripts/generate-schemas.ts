/**
 * Writes the generated JSON Schemas, the OpenAPI document and the list of compat switches to
 * shared/generated (committed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { compatFormatsModule, compatSwitches } from '../functions/src/docs/compat-formats.ts';
import { buildJsonSchemas, buildOpenApi } from '../functions/src/docs/openapi.ts';
import { WIRE_FORMATS } from '../functions/src/formats/registry.ts';

const dir = new URL('../shared/generated/', import.meta.url);
mkdirSync(dir, { recursive: true });
const files: Record<string, string> = {
  'compat-formats.ts': compatFormatsModule(compatSwitches(WIRE_FORMATS)),
};
for (const [name, document] of Object.entries({
  ...buildJsonSchemas(),
  'openapi.json': buildOpenApi(),
})) {
  files[name] = `${JSON.stringify(document, null, 2)}\n`;
}
for (const [name, text] of Object.entries(files)) {
  writeFileSync(new URL(name, dir), text);
  console.log(`wrote shared/generated/${name}`);
}
