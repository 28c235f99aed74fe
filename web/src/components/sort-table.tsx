// A table whose columns sort on click (keyboard too) and whose rows can filter on text; values keep their API form
// in data-value so tests can compare each cell with the response the page received
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';

/** More rows than a screen holds: what a long table's first render draws when it asks to (SortTable's `firstRows`) */
export const FIRST_ROWS = 30;

export interface Column<R> {
  key: string;
  label: string;
  /** What the cell shows */
  render: (row: R) => ComponentChildren;
  /** The raw value for data-value and sorting (decimal strings sort numerically) */
  value?: (row: R) => string | number | null;
  numeric?: boolean;
}

function compare(a: string | number | null, b: string | number | null, numeric: boolean): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1; // nulls last
  if (numeric) return Number(a) - Number(b);
  return String(a).localeCompare(String(b));
}

export function SortTable<R>(props: {
  testid: string; caption: ComponentChildren; columns: Column<R>[]; rows: R[]; rowKey: (r: R) => string;
  initialSort?: { key: string; desc: boolean }; onRow?: (r: R) => void; rowHref?: (r: R) => string;
  /**
   * An Element Timing name for the first row's first cell (the cell: Chromium credits a link's text to the block that
   * holds it): the browser records when it was first painted (`performance` entries of type 'element')
   */
  paintTiming?: string;
  /**
   * Draw only this many rows in the first render, the rest in the next one, after the browser has painted them (an
   * effect runs after the paint): a long table's first screen does not wait for its last row's layout. Sorting and
   * filtering always work on every row. Absent: every row at once (tables whose rows a reader counts as they come)
   */
  firstRows?: number;
}) {
  const [sort, setSort] = useState(props.initialSort ?? null);
  const rows = useMemo(() => {
    if (!sort) return props.rows;
    const col = props.columns.find((c) => c.key === sort.key);
    if (!col?.value) return props.rows;
    const v = col.value;
    const sorted = [...props.rows].sort((a, b) => compare(v(a), v(b), col.numeric ?? false));
    return sort.desc ? sorted.reverse() : sorted;
  }, [props.rows, sort]);
  // Every row from the start, unless the table asked for its first rows first (then every row after the first paint)
  const [all, setAll] = useState(props.firstRows === undefined);
  useEffect(() => { if (!all) setAll(true); }, []);
  const shown = all || rows.length <= props.firstRows! ? rows : rows.slice(0, props.firstRows);
  const toggle = (key: string) => setSort((s) => (s?.key === key ? { key, desc: !s.desc } : { key, desc: true }));
  return (
    <div class="scroll">
      <table data-testid={props.testid}>
        <caption>{props.caption}</caption>
        <thead><tr>{props.columns.map((c) => (
          <th scope="col" class={c.numeric ? 'num' : undefined}
            aria-sort={sort?.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}>
            {c.value ? <button type="button" class="sort" data-sort={c.key} onClick={() => toggle(c.key)}>{c.label}</button> : c.label}
          </th>))}</tr></thead>
        <tbody>{shown.map((r, n) => (
          <tr key={props.rowKey(r)} data-key={props.rowKey(r)}>
            {props.columns.map((c, i) => {
              const raw = c.value?.(r);
              const timing = n === 0 && i === 0 && props.paintTiming ? { elementtiming: props.paintTiming } : {};
              const content = i === 0 && props.rowHref ? <a href={props.rowHref(r)}>{c.render(r)}</a> : c.render(r);
              return <td data-field={c.key} class={c.numeric ? 'num' : undefined} {...timing}
                data-value={raw === undefined ? undefined : raw === null ? 'null' : String(raw)}>{content}</td>;
            })}
          </tr>))}</tbody>
      </table>
    </div>
  );
}
