/**
 * Reads the no-JavaScript tables of a built page: what a reader without JavaScript (or a screen
 * reader) gets. The site's HTML is generated, so a small reader of its table markup suffices.
 */

/** A table as text: its column heads and, per row, the row heading and the cells. */
export interface TextTable {
  head: string[];
  rows: { label: string; cells: string[] }[];
}

function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The table whose caption has the id `captionId`; throws when the page has none. */
export function tableByCaption(html: string, captionId: string): TextTable {
  const at = html.indexOf(`id="${captionId}"`);
  if (at < 0) throw new Error(`no table with caption #${captionId}`);
  const end = html.indexOf('</table>', at);
  const table = html.slice(at, end);
  const head = [
    ...(/<thead[^>]*>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? '').matchAll(
      /<th[^>]*>([\s\S]*?)<\/th>/g,
    ),
  ].map((m) => text(m[1] ?? ''));
  const body = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  const rows = [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => {
    const row = m[1] ?? '';
    const label = text(/<th[^>]*>([\s\S]*?)<\/th>/.exec(row)?.[1] ?? '');
    const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1] ?? ''));
    return { label, cells };
  });
  return { head, rows };
}

/** The text of the element with id `id` (up to its closing tag of the same name). */
export function textById(html: string, id: string): string {
  const match = new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  if (!match) throw new Error(`no element #${id}`);
  return text(match[2] ?? '');
}
