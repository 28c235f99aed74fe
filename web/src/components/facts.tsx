// A row of labelled figures (a <dl>): each keeps the API's raw value in data-value beside its shown form
import type { ComponentChildren } from 'preact';

export interface FactItem {
  field: string; label: string; shown: ComponentChildren; raw: string | number | boolean | null; cls?: string;
  /** A long value (an id, a hash): the whole row */
  long?: boolean;
}

export function Facts(props: { testid: string; items: FactItem[] }) {
  return (
    <dl class="facts" data-testid={props.testid}>
      {props.items.map((f) => (
        <div key={f.field} class={f.long ? 'long' : undefined} data-field={f.field} data-value={f.raw === null ? 'null' : String(f.raw)}>
          <dt>{f.label}</dt><dd class={f.cls}>{f.shown}</dd>
        </div>))}
    </dl>
  );
}
