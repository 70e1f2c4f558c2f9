/** Helpers both stores use on stored activity pages, without decoding their tallies. */
import { PREFIX_LENGTH } from '../model/buckets.ts';
import type { StoredPage } from '../model/stored.ts';

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
      const stripped: StoredPage = {
        ...part,
        keys: part.keys.slice(0, mid * PREFIX_LENGTH) + part.keys.slice((mid + 1) * PREFIX_LENGTH),
        snaps: snaps.join(','),
      };
      if (part.cons) {
        const cons = part.cons.split(',');
        cons.splice(mid, 1);
        stripped.cons = cons.join(',');
      }
      return stripped;
    }
    if (at < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * The parts to write back when install `key` is erased from `parts` (every part of one bucket):
 * each part that held it without it, and part 0 of each such page without its local tallies,
 * which counted the install (a tally of one install has its key as digest). Its event count is
 * set to -1 so it never matches: any run that needs the day rebuilds it from the events left.
 */
export function eraseFromPages(parts: StoredPage[], key: string): StoredPage[] {
  const changed = new Map<string, StoredPage>();
  for (const part of parts) {
    const stripped = stripInstall(part, key);
    if (stripped) changed.set(pageId(part), stripped);
  }
  const days = new Set([...changed.values()].map((p) => p.day));
  for (const part of parts) {
    if (part.part !== 0 || !days.has(part.day)) continue;
    const current = changed.get(pageId(part)) ?? part;
    changed.set(pageId(part), { ...current, local: '', events: -1 });
  }
  return [...changed.values()];
}
