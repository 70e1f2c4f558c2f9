// Every regular expression the scrubber runs goes through the recheck ReDoS checker: an input
// of up to 64 KiB reaches these patterns, so one with super-linear backtracking would let a
// single report tie up an instance. recheck proves safety by automaton analysis where it can and
// searches for attack strings by seeded fuzzing where it cannot (lookbehinds, backreferences);
// the seed is fixed and every time limit is off, so the verdict does not depend on the machine.
// Attack strings are capped at 64 KiB, the largest body ingest accepts: a pattern counts as
// vulnerable when an input we can actually receive drives it past recheck's step limit.
// Slow by nature (minutes of CPU, over a GB of memory for some patterns), so it is its own
// project: `npm run test:redos` after changing a pattern. Each pattern is its own test.
import { checkSync } from 'recheck';
import { describe, expect, test } from 'vitest';
import { SCRUB_PATTERNS } from '../../functions/src/privacy/scrub-rules.ts';
import { NORMALIZE_PATTERNS } from '../../functions/src/privacy/scrub.ts';

const patterns = [...SCRUB_PATTERNS, ...NORMALIZE_PATTERNS];
const cases = patterns.map((pattern, index) => ({
  label: `${String(index).padStart(2, '0')} /${pattern.source.slice(0, 60)}/${pattern.flags}`,
  pattern,
}));

describe('scrubber patterns are safe from catastrophic backtracking', () => {
  test('the list covers every rule pattern and helper', () => {
    expect(patterns.length).toBeGreaterThanOrEqual(80);
    expect(new Set(patterns).size).toBe(patterns.length);
  });

  test.each(cases)('$label', ({ pattern }) => {
    const diagnostics = checkSync(pattern.source, pattern.flags, {
      randomSeed: 20_261_127,
      timeout: null,
      attackTimeout: null,
      incubationTimeout: null,
      recallTimeout: null,
      maxAttackStringSize: 64 * 1024,
    });
    const detail =
      diagnostics.status === 'vulnerable'
        ? `${diagnostics.complexity.type} with ${diagnostics.attack.pattern}`
        : diagnostics.status === 'unknown'
          ? diagnostics.error.kind
          : '';
    expect(diagnostics.status, detail).toBe('safe');
  });
});
