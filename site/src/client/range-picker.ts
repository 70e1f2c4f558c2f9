/**
 * Browser side of `components/RangePicker.astro`: loads the picked range from the stats API,
 * presses its button, says which days are shown, and keeps the range in the address
 * (`?range=1y`) so a link shows the same view.
 */
import { loadRange, onData } from '../lib/fresh-days.ts';
import { DEFAULT_RANGE, describeRange, isRangeKey, rangeOf, type RangeKey } from '../lib/range.ts';

/** Mounts every range picker of the page. */
export function mountRangePickers(): void {
  const latestDay = document.body.dataset.latestDay ?? '';

  for (const picker of document.querySelectorAll<HTMLElement>('[data-range-picker]')) {
    const group = picker.querySelector<HTMLElement>('[data-range-buttons]');
    const status = picker.querySelector<HTMLElement>('[data-range-status]');
    const buttons = [...picker.querySelectorAll<HTMLButtonElement>('button[data-range]')];
    if (!group || !status) continue;
    let shown: RangeKey = DEFAULT_RANGE;
    let shownText = status.textContent?.trim() ?? '';

    const press = (key: RangeKey) => {
      for (const button of buttons) {
        button.setAttribute('aria-pressed', String(button.dataset.range === key));
      }
    };

    onData(({ days }, range) => {
      shown = range;
      press(range);
      shownText = describeRange(range, days);
      // In place, and only when the words changed: a refresh of the same range moves nothing.
      if (status.textContent?.trim() !== shownText) status.textContent = shownText;
    });

    for (const button of buttons) {
      button.addEventListener('click', async () => {
        const key = button.dataset.range;
        if (!isRangeKey(key) || key === shown) return;
        press(key);
        status.textContent = `Loading ${rangeOf(key).name}…`;
        group.setAttribute('aria-busy', 'true');
        const ok = await loadRange(key, latestDay);
        group.removeAttribute('aria-busy');
        if (ok) {
          const url = new URL(location.href);
          url.searchParams.set('range', key);
          history.replaceState(null, '', url);
        } else {
          press(shown);
          status.textContent = `Could not load ${rangeOf(key).name}. ${shownText}`;
        }
      });
    }
  }
}
