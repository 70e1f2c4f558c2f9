/**
 * Stand-ins for the firebase and gcloud CLIs, put first on PATH: each records its arguments (one
 * call per record) and exits 0. gcloud describes the `_Default` sink and lists the project's
 * sinks from JSON given here, so the scripts' read-only calls get real-looking answers.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder of recording CLIs. */
export interface FakeClis {
  dir: string;
  /** Every recorded call of `name`, each as its argument list. */
  calls: (name: 'firebase' | 'gcloud') => string[][];
  remove: () => void;
}

/** Creates the recording `firebase` and `gcloud` in a new folder. */
export function fakeClis(
  sink: unknown = { name: '_Default', exclusions: [] },
  sinks: unknown[] = [{ name: '_Default' }, { name: '_Required' }],
): FakeClis {
  const dir = mkdtempSync(join(tmpdir(), 'homecall-fake-cli-'));
  writeFileSync(join(dir, 'sink.json'), `${JSON.stringify(sink)}\n`);
  writeFileSync(join(dir, 'sinks.json'), `${JSON.stringify(sinks)}\n`);
  for (const name of ['firebase', 'gcloud']) {
    const log = join(dir, `${name}.calls`);
    writeFileSync(log, '');
    const answers =
      name === 'gcloud'
        ? [
            `[ "$3" = describe ] && cat '${dir}/sink.json'`,
            `[ "$3" = list ] && cat '${dir}/sinks.json'`,
          ]
        : [];
    writeFileSync(
      join(dir, name),
      [
        '#!/bin/sh',
        `for a in "$@"; do printf '%s\\n' "$a"; done >>'${log}'`,
        `printf -- '----\\n' >>'${log}'`,
        ...answers,
        'exit 0',
        '',
      ].join('\n'),
    );
    chmodSync(join(dir, name), 0o755);
  }
  return {
    dir,
    calls: (name) =>
      readFileSync(join(dir, `${name}.calls`), 'utf8')
        .split('----\n')
        .filter((c) => c !== '')
        .map((c) => c.trimEnd().split('\n')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
