// A table of figures: a caption, column headers, numbers aligned right, an optional totals row,
// and a scrollable, keyboard-focusable frame for long series (a month of hours is 744 rows).
import { h, type Child } from './dom';

export interface Column {
  header: string;
  numeric?: boolean;
}

export function dataTable(
  caption: string,
  columns: Column[],
  rows: Child[][],
  options: { footer?: Child[]; scroll?: boolean; id?: string } = {},
): HTMLElement {
  const cell = (tag: 'td' | 'th', column: Column | undefined, content: Child, scope?: string) =>
    h(tag, { class: column?.numeric ? 'num' : undefined, scope }, content);
  const table = h(
    'table',
    { class: 'figures', id: options.id },
    h('caption', null, caption),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.header)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((cells) =>
        h(
          'tr',
          null,
          cells.map((content, i) =>
            i === 0 ? cell('th', columns[i], content, 'row') : cell('td', columns[i], content),
          ),
        ),
      ),
    ),
    options.footer
      ? h(
          'tfoot',
          null,
          h(
            'tr',
            null,
            options.footer.map((content, i) =>
              i === 0 ? cell('th', columns[i], content, 'row') : cell('td', columns[i], content),
            ),
          ),
        )
      : null,
  );
  if (!options.scroll) return h('div', { class: 'table-wrap' }, table);
  // A scrolled region must be reachable by keyboard (tabindex) and named for screen readers.
  return h('div', { class: 'table-wrap table-scroll', tabindex: '0', role: 'region', 'aria-label': caption }, table);
}
