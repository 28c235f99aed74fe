// Every view's four states: loading, error, empty and stale, around the data it shows, with when it was read
import type { ComponentChildren } from 'preact';
import { clock } from '../format.ts';
import type { Resource } from '../live.ts';

export function Updated({ at, stale }: { at: Date | null; stale?: boolean }) {
  if (!at) return null;
  const time = clock(at);
  return (
    <span class={stale ? 'updated stale' : 'updated'} data-testid="updated" data-stale={stale ? 'true' : 'false'}>
      {stale ? `stale: last updated ${time}` : `updated ${time}`}
    </span>
  );
}

export function ErrorNote({ error }: { error: Error }) {
  return <p class="error" role="alert" data-testid="error">{error.message}</p>;
}

/**
 * Shows `children(data)` once the resource is read; a spinner before; the error when the first read failed; a stale
 * banner (with the data still shown) when a later re-read failed; `empty` when isEmpty(data)
 */
export function View<T>(props: {
  r: Resource<T>; testid: string; children: (data: T) => ComponentChildren;
  isEmpty?: (data: T) => boolean; empty?: ComponentChildren;
}) {
  const { r, testid } = props;
  if (r.data === null) {
    if (r.error) return <section data-testid={testid} data-state="error"><ErrorNote error={r.error} /></section>;
    return <section data-testid={testid} data-state="loading" aria-busy="true"><p class="loading">Loading…</p></section>;
  }
  const empty = props.isEmpty?.(r.data) ?? false;
  return (
    <section data-testid={testid} data-state={empty ? 'empty' : r.stale ? 'stale' : 'ready'}>
      {r.stale && r.error ? <p class="stale-banner" role="status">Could not refresh ({r.error.message}); showing data from {r.updatedAt ? clock(r.updatedAt) : ''}.</p> : null}
      {empty ? <div class="empty">{props.empty ?? 'Nothing yet.'}</div> : props.children(r.data)}
    </section>
  );
}
