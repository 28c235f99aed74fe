// A titled card around one view: its loading/error/empty/stale states and when it was last read
import type { ComponentChildren } from 'preact';
import type { Resource } from '../live.ts';
import { Updated, View } from './view.tsx';

export function Card<T>(props: {
  title: string; r: Resource<T>; testid: string; children: (data: T) => ComponentChildren;
  isEmpty?: (data: T) => boolean; empty?: ComponentChildren; wide?: boolean;
}) {
  return (
    <section class={props.wide ? 'card wide' : 'card'} aria-label={props.title}>
      <h2>{props.title} <Updated at={props.r.updatedAt} stale={props.r.stale} /></h2>
      <View r={props.r} testid={props.testid} isEmpty={props.isEmpty} empty={props.empty}>{props.children}</View>
    </section>
  );
}
