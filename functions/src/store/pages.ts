/** Helpers both stores use on stored activity pages, without decoding their tallies. */
import { PREFIX_LENGTH } from '../aggregate/buckets.ts';
import type { StoredPage } from './types.ts';

/** The id of a page part: `{day}_{bucket}_{part}`. */
export function pageId(page: Pick<StoredPage, 'day' | 'bucket' | 'part'>): string {
  return `${page.day}_${page.bucket}_${page.part}`;
}

/** The part without install `key`, or undefined when the part does not hold it. */
export function stripInstall(part: StoredPage, key: string): StoredPage | undefined {
  // Keys are sorted and fixed-width: binary search over the concatenation.
  let lo = 0;
  let hi = part.keys.length / PREFIX_LENGTH - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = part.keys.slice(mid * PREFIX_LENGTH, (mid + 1) * PREFIX_LENGTH);
    if (at === key) {
      const snaps = part.snaps.split(',');
      snaps.splice(mid, 1);
      return {
        ...part,
        keys: part.keys.slice(0, mid * PREFIX_LENGTH) + part.keys.slice((mid + 1) * PREFIX_LENGTH),
        snaps: snaps.join(','),
      };
    }
    if (at < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
