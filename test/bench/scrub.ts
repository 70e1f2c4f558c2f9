// Scrubber time against input size: each shape at 6.4 KiB and at 64 KiB (the largest body ingest
// accepts), side by side in one process. Linear time shows as a 64 KiB / 6.4 KiB ratio near 10;
// catastrophic backtracking would show as 100 or far more.
import { readFileSync } from 'node:fs';
import { scrubFreeText } from '../../functions/src/privacy/scrub.ts';

/** One measured input shape. */
export interface ScrubRun {
  shape: string;
  smallMs: number;
  largeMs: number;
  ratio: number;
  nsPerByte: number;
}

const LARGE = 64 * 1024;
const SMALL = LARGE / 10;

// Real messages (the corpus), and repetitions of the pieces the patterns hinge on: matches
// everywhere, and near misses where every pattern starts and none finishes.
const SHAPES: ReadonlyArray<readonly [string, string]> = [
  ['corpus messages', ''],
  ['IPv4 addresses', '10.0.0.1 '],
  ['dotted labels', 'a.'],
  ['colons', ':a'],
  ['home directories', '/home/al/'],
  ['URLs', 'https://'],
  ['e-mail near misses', 'a@'],
  ['dashed words', 'a1b2c-'],
  ['hex runs', '0a'],
  ['secret labels', 'password='],
  ['user phrases', 'for user '],
  ['host phrases', "host '"],
];
const QUICK_SHAPES = new Set(['corpus messages', 'IPv4 addresses', 'dotted labels', 'URLs']);

function corpusText(): string {
  const corpus: Array<{ input: string }> = JSON.parse(
    readFileSync(new URL('../fixtures/scrub-corpus.json', import.meta.url), 'utf8'),
  );
  return corpus.map((c) => c.input).join(' ');
}

function fill(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Best of `trials` runs of scrubbing `text` `reps` times, in ms per scrub. */
function time(text: string, reps: number, trials: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let trial = 0; trial < trials; trial++) {
    const started = performance.now();
    for (let i = 0; i < reps; i++) scrubFreeText(text, 2000);
    best = Math.min(best, (performance.now() - started) / reps);
  }
  return best;
}

/** Measures every shape (a few with `quick`). */
export function benchScrub(options: { quick: boolean }): ScrubRun[] {
  const trials = options.quick ? 2 : 5;
  const corpus = corpusText();
  const runs: ScrubRun[] = [];
  for (const [shape, unit] of SHAPES) {
    if (options.quick && !QUICK_SHAPES.has(shape)) continue;
    const source = unit === '' ? corpus : unit;
    const small = fill(source, SMALL);
    const large = fill(source, LARGE);
    time(small, 3, 1); // warm the patterns up before measuring
    // Ten small inputs against one large: the same number of bytes either way.
    const smallMs = time(small, 10, trials);
    const largeMs = time(large, 1, trials);
    runs.push({
      shape,
      smallMs,
      largeMs,
      ratio: largeMs / smallMs,
      nsPerByte: (largeMs * 1e6) / LARGE,
    });
  }
  return runs;
}
