/**
 * Browser side of freshness: fetch the live days once per page and hand them to every part of
 * the page that shows them. The built HTML stays the truth when the API fails or is absent.
 */
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { byDay, parseDaysResponse } from './series.ts';

/** Where the live days come from (a Firebase Hosting rewrite to the stats function). */
export const DAYS_API = '/api/v1/days';

type Listener = (days: DayAggregate[]) => void;

let fresh: DayAggregate[] | null = null;
const listeners: Listener[] = [];

/** Calls `listener` with the live days once they arrive, at once if they already have. */
export function onFreshDays(listener: Listener): void {
  if (fresh) notify(listener, fresh);
  else listeners.push(listener);
}

/**
 * Fetches the live days. Silently keeps the built page on any failure, and ignores an answer
 * whose latest day is older than `notBefore` (a stale cache must not roll the page back).
 */
export async function fetchFreshDays(notBefore: string, url = DAYS_API): Promise<void> {
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) return;
    const parsed = parseDaysResponse(await response.json());
    if (!parsed || parsed.length === 0) return;
    const days = byDay(parsed);
    const latest = days.at(-1)?.day ?? '';
    if (latest < notBefore) return;
    fresh = days;
    for (const listener of listeners.splice(0)) notify(listener, days);
  } catch {
    // Offline, no API in this deployment, or a malformed answer: the snapshot stays.
  }
}

function notify(listener: Listener, days: DayAggregate[]): void {
  try {
    listener(days);
  } catch (error) {
    // One broken widget must not stop the others from updating.
    console.error(error);
  }
}
