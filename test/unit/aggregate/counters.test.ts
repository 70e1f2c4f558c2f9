// LibreNMS-style counter keys as the aggregation reads them: `group.value`, split at the first dot.
import { describe, expect, test } from 'vitest';
import { splitCounterKey } from '../../../functions/src/aggregate/counters.ts';

describe('counter keys: group and value', () => {
  test.each([
    ['os.linux', ['os', 'linux']],
    ['db.mysql.8', ['db', 'mysql.8']],
    ['.x', ['', 'x']],
    ['x.', ['x', '']],
  ])('%s', (key, parts) => {
    expect(splitCounterKey(key)).toEqual(parts);
  });
});
