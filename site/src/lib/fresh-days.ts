/**
 * Browser side of freshness and of the range selector: fetch what the page shows for the range
 * the reader picked — only the fields its recipes need (`needs.ts`), from canonical URLs the CDN
 * caches for every visitor — and hand it to every part of the page that shows it. The built HTML
 * stays the truth when the API fails or is absent.
 */
import type { Day } from '../../../shared/dates.ts';
import type { RangeName } from '../../../shared/days-query.ts';
import type { PageData } from './figures.ts';
import { pageRequests, type Needs } from './needs.ts';
import { byDay, parseDayResponse, parseDaysResponse, type SiteDay } from './series.ts';

type Listener = (data: PageData, range: RangeName) => void;

let shown: { data: PageData; range: RangeName } | null = null;
const listeners: Listener[] = [];
const cache = new Map<RangeName, PageData>();
let latestRequest = 0;
let needs: readonly Needs[] = [];

/** Says what the page's recipes need; called once by the page before the first load. */
export function setNeeds(pageNeeds: readonly Needs[]): void {
  needs = pageNeeds;
}

/**
 * Calls `listener` with the page's data every time a range is loaded, at once with the data
 * already shown if there is any.
 */
export function onData(listener: Listener): void {
  listeners.push(listener);
  if (shown) notify(listener, shown.data, shown.range);
}

/** The range whose live data the page shows, or null while it shows the built snapshot. */
export function shownRange(): RangeName | null {
  return shown?.range ?? null;
}

/**
 * Fetches the live data of a range ending today and shows it. Resolves to false, leaving the page
 * as it was, on any failure of the days requests, for an empty answer, and for an answer whose
 * latest day is older than `notBefore` (a stale cache must not roll the page back). Without the
 * reference day (no final day yet, or its request failed) the figures that need it keep what they
 * show. Of overlapping calls only the last one shows its data.
 */
export async function loadRange(range: RangeName, notBefore: Day): Promise<boolean> {
  const request = ++latestRequest;
  let data = cache.get(range);
  if (!data) {
    const { days: urls, latest } = pageRequests(needs, range);
    const [reference, ...answers] = await Promise.all([
      latest ? fetchJson(latest).then(parseDayResponse) : Promise.resolve(null),
      ...urls.map((url) => fetchJson(url).then(parseDaysResponse)),
    ]);
    if (answers.some((a) => a === null)) return false;
    const days = mergeDays(answers as SiteDay[][]);
    if (days.length === 0 || (days.at(-1)?.day ?? '') < notBefore) return false;
    data = { days, reference: reference ?? undefined };
    cache.set(range, data);
  }
  if (request !== latestRequest) return false;
  shown = { data, range };
  // One listener per task: each chart, table and figure updates in a short task of its own, so
  // a phone never has to wait for all of them at once before it answers a tap.
  for (const listener of listeners) {
    await nextTask();
    if (request !== latestRequest) return false;
    notify(listener, data, range);
  }
  return true;
}

/** Resolves in a new task, after whatever input or rendering the browser has waiting. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The days of several answers joined by day: each answer brings some fields of the same days. */
export function mergeDays(answers: readonly (readonly SiteDay[])[]): SiteDay[] {
  const merged = new Map<Day, SiteDay>();
  for (const days of answers) {
    for (const day of days) {
      const before = merged.get(day.day);
      if (!before) {
        merged.set(day.day, day);
        continue;
      }
      merged.set(day.day, {
        ...before,
        ...day,
        ...(before.breakdowns || day.breakdowns
          ? { breakdowns: { ...before.breakdowns, ...day.breakdowns } }
          : {}),
        ...(before.reliability || day.reliability
          ? { reliability: { ...before.reliability, ...day.reliability } }
          : {}),
      });
    }
  }
  return byDay([...merged.values()]);
}

async function fetchJson(url: string): Promise<unknown> {
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) return null;
    return await response.json();
  } catch {
    // Offline, no API in this deployment, or a malformed answer: the page stays as it is.
    return null;
  }
}

function notify(listener: Listener, data: PageData, range: RangeName): void {
  try {
    listener(data, range);
  } catch (error) {
    // One broken widget must not stop the others from updating.
    console.error(error);
  }
}
