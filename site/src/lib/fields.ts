/**
 * Turns a JSON Schema (as zod's `toJSONSchema` writes it) into the rows of a "what is collected"
 * table: every field with its path, its kind and limits in words, and its description. The
 * Privacy & methodology page is built with it from the live zod schemas, so the page lists
 * exactly what the code accepts and publishes.
 */

/** The parts of a JSON Schema node the walker reads. */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  propertyNames?: SchemaNode;
  anyOf?: SchemaNode[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  maxProperties?: number;
}

/** One field of a schema, as the page lists it. */
export interface FieldRow {
  /** Dotted path: `platform.os`, `modules[].name`, `counters.<key>`. */
  path: string;
  /** Kind and limits in words: "text, up to 64 characters". */
  kind: string;
  description: string;
  required: boolean;
}

// zod writes Number.MAX_SAFE_INTEGER as the maximum of an unbounded integer: not a real limit.
const UNBOUNDED = Number.MAX_SAFE_INTEGER;
const NUMBER = new Intl.NumberFormat('en-US');

function list(values: readonly unknown[]): string {
  return values.map((v) => String(v)).join(', ');
}

/** A schema node's kind and limits in words. */
export function describeKind(node: SchemaNode): string {
  if (node.anyOf) return node.anyOf.map(describeKind).join(', or ');
  if (node.const !== undefined) return `always ${JSON.stringify(node.const)}`;
  if (node.enum) return `one of: ${list(node.enum)}`;
  const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  switch (type) {
    case 'string': {
      if (node.format === 'date-time') return 'ISO 8601 date and time';
      if (node.format === 'date') return 'day, YYYY-MM-DD';
      if (node.maxLength !== undefined)
        return `text, up to ${NUMBER.format(node.maxLength)} characters`;
      return 'text';
    }
    case 'integer':
    case 'number': {
      const noun = type === 'integer' ? 'whole number' : 'number';
      const min = node.minimum;
      const max = node.maximum !== undefined && node.maximum < UNBOUNDED ? node.maximum : undefined;
      if (min !== undefined && max !== undefined)
        return `${noun}, ${NUMBER.format(min)} to ${NUMBER.format(max)}`;
      if (min !== undefined) return `${noun}, at least ${NUMBER.format(min)}`;
      return noun;
    }
    case 'boolean':
      return 'true or false';
    case 'array':
      return node.maxItems !== undefined ? `list of up to ${NUMBER.format(node.maxItems)}` : 'list';
    case 'object':
      return isMap(node) ? 'map' : 'object';
    default:
      return 'any value';
  }
}

function isMap(node: SchemaNode): node is SchemaNode & { additionalProperties: SchemaNode } {
  return typeof node.additionalProperties === 'object' && !node.properties;
}

/**
 * Every field of a schema, depth first in the schema's own order. Objects list their properties,
 * lists their items (`path[]`), maps their values (`path.<key>`). A list or map without a
 * description of its own borrows its items' description.
 */
export function schemaFields(node: SchemaNode, path = '', required = true): FieldRow[] {
  const rows: FieldRow[] = [];
  if (path) {
    const inner = node.items ?? (isMap(node) ? node.additionalProperties : undefined);
    rows.push({
      path,
      kind: describeKind(node),
      description: node.description ?? inner?.description ?? '',
      required,
    });
  }
  if (node.properties) {
    const needed = new Set(node.required ?? []);
    for (const [name, child] of Object.entries(node.properties)) {
      rows.push(...schemaFields(child, path ? `${path}.${name}` : name, needed.has(name)));
    }
  } else if (node.items && (node.items.properties || node.items.items)) {
    rows.push(...schemaFields(node.items, `${path}[]`, true).slice(1));
  } else if (isMap(node)) {
    const value = node.additionalProperties;
    const keyPath = `${path}.<key>`;
    if (value.properties || value.items || isMap(value)) {
      rows.push(...schemaFields(value, keyPath, false));
    } else {
      const keys = node.propertyNames?.enum;
      rows.push({
        path: keyPath,
        kind: describeKind(value),
        description: value.description ?? (keys ? `Keys: ${list(keys)}.` : ''),
        required: false,
      });
    }
  }
  return rows;
}
