// Failure signatures: what the published top failures group crashes by. A code wins; otherwise
// program, function and file:line, in that order, as far as the client sent them.
import { describe, expect, test } from 'vitest';
import { splitCounterKey } from '../../../functions/src/aggregate/counters.ts';
import { failureSignature } from '../../../functions/src/aggregate/reliability.ts';
import type { Failure } from '../../../shared/schema/event.ts';

describe('failureSignature', () => {
  test.each<[Failure | undefined, string]>([
    [{ code: 'E42', program: 'netdata', file: 'main.c', line: 3 }, 'E42'],
    [{ program: 'netdata', function: 'main', file: 'main.c', line: 12 }, 'netdata main main.c:12'],
    [{ program: 'netdata', file: 'main.c' }, 'netdata main.c'],
    [{ file: 'main.c', line: 0 }, 'main.c:0'],
    [{ function: 'collect' }, 'collect'],
    [{ line: 12 }, 'unknown'],
    [{ message: 'segfault' }, 'unknown'],
    [{ code: '', program: 'netdata' }, 'netdata'],
    [undefined, 'unknown'],
  ])('%j → %s', (failure, signature) => {
    expect(failureSignature(failure)).toBe(signature);
  });
});

describe('splitCounterKey', () => {
  test.each([
    ['os.linux', ['os', 'linux']],
    ['ports.eth0.1', ['ports', 'eth0.1']],
    ['group.', ['group', '']],
  ])('%s → %j', (key, parts) => {
    expect(splitCounterKey(key)).toEqual(parts);
  });
});
