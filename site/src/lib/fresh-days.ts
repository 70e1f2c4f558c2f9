/**
 * Browser side of freshness and of the range selector: fetch the days of the range the reader
 * picked from the stats API and hand them to every part of the page that shows them. The built
 * HTML stays the truth when the API fails or is absent.
 */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { dayOf, type Day } from '../../../shared/dates.ts';
import { rangeUrl, type RangeKey } from './range.ts';
import { byDay, parseDaysResponse } from './series.ts';

type Listener = (days: DayAggregate[], range: RangeKey) => void;

let shown: { days: DayAggregate[]; range: RangeKey } | null = null;
const listeners: Listener[] = [];
const cache = new Map<RangeKey, DayAggregate[]>();
let latestRequest = 0;

/**
 * Calls `listener` with the days of the range every time a range is loaded, at once with the
 * days already shown if there are any.
 */
export function onDays(listener: Listener): void {
  listeners.push(listener);
  if (shown) notify(listener, shown.days, shown.range);
}

/** The range whose live days the page shows, or null while it shows the built snapshot. */
export function shownRange(): RangeKey | null {
  return shown?.range ?? null;
}

/**
 * Fetches the live days of a range ending today and shows them. Resolves to false, leaving the
 * page as it was, on any failure, for an empty answer, and for an answer whose latest day is
 * older than `notBefore` (a stale cache must not roll the page back). Of overlapping calls only
 * the last one shows its days.
 */
export async function loadRange(
  range: RangeKey,
  notBefore: Day,
  today: Day = dayOf(Date.now()),
): Promise<boolean> {
  const request = ++latestRequest;
  let days = cache.get(range);
  if (!days) {
    const last = today > notBefore ? today : notBefore;
    const fetched = await fetchDays(rangeUrl(range, last));
    if (!fetched || fetched.length === 0) return false;
    if ((fetched.at(-1)?.day ?? '') < notBefore) return false;
    days = fetched;
    cache.set(range, days);
  }
  if (request !== latestRequest) return false;
  shown = { days, range };
  for (const listener of listeners) notify(listener, days, range);
  return true;
}

async function fetchDays(url: string): Promise<DayAggregate[] | null> {
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) return null;
    const parsed = parseDaysResponse(await response.json());
    return parsed ? byDay(parsed) : null;
  } catch {
    // Offline, no API in this deployment, or a malformed answer: the page stays as it is.
    return null;
  }
}

function notify(listener: Listener, days: DayAggregate[], range: RangeKey): void {
  try {
    listener(days, range);
  } catch (error) {
    // One broken widget must not stop the others from updating.
    console.error(error);
  }
}
