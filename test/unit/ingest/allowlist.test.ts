// Attributes are stored only under the keys the deployment's config names, with the kind it
// names and, for strings, the shape of their key: anything else is dropped and named, and an
// event whose attributes are all dropped stores none.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import type { AttributeValue } from '../../../shared/schema/event.ts';
import { filterAttributes } from '../../../functions/src/ingest/allowlist.ts';

/** The deployment, with a boolean attribute and a string attribute shaped as a version. */
const config = {
  ...deploymentConfig,
  attributes: {
    ...deploymentConfig.attributes,
    tls: { kind: 'boolean', title: 'TLS', description: 'Serves TLS.', published: false },
    build: {
      kind: 'string',
      title: 'Build',
      description: 'Build of the agent.',
      published: false,
      shape: 'version',
    },
  },
} as typeof deploymentConfig;

describe('one attribute: stored as sent, or dropped and named', () => {
  test.each([
    ['a number', { cpu_cores: 4 }, true],
    ['a negative fraction', { cpu_cores: -3.5 }, true],
    ['a number sent as text', { cpu_cores: '4' }, false],
    ['a boolean', { tls: true }, true],
    ['a boolean sent as text', { tls: 'true' }, false],
    ['a label', { database: 'postgres' }, true],
    ['a label sent as a number', { database: 7 }, false],
    ['an e-mail address as a label', { database: 'user@example.com' }, false],
    ['an IPv4 address as a label', { database: '10.0.0.1' }, false],
    ['a version under a `_version` key', { php_version: '8.2.1' }, true],
    ['words under a `_version` key', { php_version: 'eight point two' }, false],
    ['a version under a key shaped as a version', { build: '1.2.3' }, true],
    ['words under a key shaped as a version', { build: 'nightly build' }, false],
    ['a key the config does not name', { colour: 'blue' }, false],
    ['a key every object inherits', { toString: 'x' }, false],
  ] as [string, Record<string, AttributeValue>, boolean][])('%s', (_name, attributes, kept) => {
    const key = Object.keys(attributes)[0] as string;
    expect(filterAttributes(attributes, config)).toEqual(
      kept ? { kept: attributes, dropped: [] } : { kept: undefined, dropped: [key] },
    );
  });
});

test('the allowed ones are kept, the others named in the order sent', () => {
  expect(
    filterAttributes(
      { colour: 'blue', cpu_cores: 8, database: 'user@example.com', memory_gib: 16 },
      config,
    ),
  ).toEqual({ kept: { cpu_cores: 8, memory_gib: 16 }, dropped: ['colour', 'database'] });
});

test.each([
  ['no attributes', undefined],
  ['an empty object', {}],
])('%s: none stored, none dropped', (_name, attributes) => {
  expect(filterAttributes(attributes, config)).toEqual({ kept: undefined, dropped: [] });
});
