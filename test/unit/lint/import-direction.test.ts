// Imports point one way: the site never imports functions/; the pure folders (compat, aggregate,
// privacy) never import Firebase, ingest, the wire formats, the handlers or a store implementation,
// and privacy never imports the aggregation that calls it;
// the store never imports the layers that use it; the model and the hashing helpers (model/,
// identity/) import nothing of the app but shared/. ESLint's no-restricted-imports
// enforces it on .ts files (checked here on probes, so the rule is known to fire); .astro files,
// which ESLint does not read, are checked here directly.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The messages of the import rule for a file at `filePath` holding `code`. */
async function importProblems(filePath: string, code: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: root }).lintText(code, {
    filePath: join(root, filePath),
  });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('ESLint refuses imports against the direction', () => {
  test.each([
    ['site/src/lib/probe.ts', "import { ROUTES } from '../../../functions/src/ingest/handler.ts';"],
    ['functions/src/compat/probe.ts', "import { getFirestore } from 'firebase-admin/firestore';"],
    ['functions/src/aggregate/probe.ts', "import * as logger from 'firebase-functions/logger';"],
    [
      'functions/src/aggregate/probe.ts',
      "import { FirestoreStore } from '../store/firestore-store.ts';",
    ],
    ['functions/src/privacy/probe.ts', "import { Firestore } from '@google-cloud/firestore';"],
    ['functions/src/compat/probe.ts', "import { productionStore } from '../wiring.ts';"],
    ['functions/src/compat/probe.ts', "import { normaliseInstallId } from '../ingest/prepare.ts';"],
    ['functions/src/compat/probe.ts', "import { WIRE_FORMATS } from '../formats/registry.ts';"],
    ['functions/src/aggregate/probe.ts', "import { prepareEvent } from '../ingest/prepare.ts';"],
    ['functions/src/aggregate/probe.ts', "import { MemoryStore } from '../store/memory-store.ts';"],
    ['functions/src/privacy/probe.ts', "import type { Body } from '../http/body.ts';"],
    ['functions/src/store/probe.ts', "import { shardCount } from '../aggregate/plan.ts';"],
    ['functions/src/store/probe.ts', "import type { IncomingEvent } from '../ingest/prepare.ts';"],
    ['functions/src/model/probe.ts', "import { prepareEvent } from '../ingest/prepare.ts';"],
    ['functions/src/model/probe.ts', "import type { Store } from '../store/types.ts';"],
    ['functions/src/model/probe.ts', "import { WIRE_FORMATS } from '../formats/registry.ts';"],
    ['functions/src/model/probe.ts', "import { getFirestore } from 'firebase-admin/firestore';"],
    ['functions/src/identity/probe.ts', "import type { StoredEvent } from '../model/stored.ts';"],
    [
      'functions/src/privacy/publication/probe.ts',
      "import type { ExactDay } from '../../aggregate/exact.ts';",
    ],
    ['functions/src/privacy/probe.ts', "import { tally } from '../aggregate/digest.ts';"],
    [
      'functions/src/privacy/publication/probe.ts',
      "import { getFirestore } from 'firebase-admin/firestore';",
    ],
  ])('%s: %s', async (file, line) => {
    expect(await importProblems(file, `${line}\nexport const probe = 1;\n`)).toHaveLength(1);
  });

  test.each([
    ['site/src/lib/probe.ts', "import { API_PATHS } from '../../../shared/days-query.ts';"],
    ['functions/src/aggregate/probe.ts', "import type { Store } from '../store/types.ts';"],
    [
      'functions/src/ingest/probe.ts',
      "import { FirestoreStore } from '../store/firestore-store.ts';",
    ],
    ['functions/src/aggregate/probe.ts', "import type { StoredEvent } from '../model/stored.ts';"],
    ['functions/src/aggregate/probe.ts', "import { stableJson } from '../identity/pseudonym.ts';"],
    [
      'functions/src/compat/probe.ts',
      "import { normaliseInstallId } from '../identity/install-id.ts';",
    ],
    ['functions/src/store/probe.ts', "import { bucketOf } from '../model/buckets.ts';"],
    ['functions/src/model/probe.ts', "import type { EventSource } from '../formats/registry.ts';"],
    ['functions/src/model/probe.ts', "import type { Day } from '../../../shared/dates.ts';"],
    ['functions/src/model/probe.ts', "import type { DeviceInfo } from './stored.ts';"],
    ['functions/src/identity/probe.ts', "import { createHash } from 'node:crypto';"],
    [
      'functions/src/aggregate/probe.ts',
      "import { publishDay } from '../privacy/publication/publish.ts';",
    ],
    [
      'functions/src/privacy/publication/probe.ts',
      "import { stableJson } from '../../identity/pseudonym.ts';",
    ],
  ])('%s may: %s', async (file, line) => {
    expect(await importProblems(file, `${line}\nexport const probe = 1;\n`)).toEqual([]);
  });
});

test('no .astro file of the site imports functions/', () => {
  const astro: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.astro')) astro.push(path);
    }
  };
  walk(join(root, 'site/src'));
  expect(astro.length).toBeGreaterThan(0);
  const offending = astro.filter((file) =>
    /from\s+['"][^'"]*\/functions\//.test(readFileSync(file, 'utf8')),
  );
  expect(offending.map((file) => relative(root, file))).toEqual([]);
});
