// Charts drawn by uPlot (a small canvas library built for time series). The one place API decimals become floats:
// for drawing only; every figure printed beside a chart is the API's own string. Each chart keeps its data in
// data-points (JSON) so a test can compare what was drawn with what the API sent.
import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';

/** The uPlot class, loaded with the first chart drawn (its own chunk, with its stylesheet) */
export type UPlot = typeof uPlot;
let loading: Promise<UPlot> | null = null;
function loadUplot(): Promise<UPlot> {
  loading ??= import('./uplot-module.ts').then((m) => m.default, (e: unknown) => {
    loading = null; // a later chart tries again
    throw e;
  });
  return loading;
}

export interface Series { label: string; color: string; points: { t: string; v: string }[] }

/** Series on one time axis: the union of their times, each series carried forward between its own points */
export function alignSeries(series: Series[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => Date.parse(p.t) / 1000)))].sort((a, b) => a - b);
  const columns = series.map((s) => {
    const byTime = new Map(s.points.map((p) => [Date.parse(p.t) / 1000, Number(p.v)]));
    let last: number | null = null;
    return times.map((t) => {
      const v = byTime.get(t);
      if (v !== undefined) last = v;
      return last;
    });
  });
  return [times, ...columns] as uPlot.AlignedData;
}

/**
 * A uPlot chart in the returned ref's element, redrawn when `deps` change, once uPlot has loaded (loadUplot). Sized to
 * its container and followed on resize, unless `fixed` (a sparkline keeps the size its options give). `defer`: drawn
 * when the browser is idle, so a table of many sparklines shows its rows first. If uPlot cannot load, the element says so
 */
export function usePlot(opts: (width: number, U: UPlot) => uPlot.Options, data: uPlot.AlignedData, deps: unknown[],
  how: { fixed?: boolean; defer?: boolean } = {}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let plot: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let gone = false;
    const drawWith = (U: UPlot) => {
      if (gone) return;
      el.textContent = ''; // a failed load's message, if an earlier draw could not load uPlot
      plot = new U(opts(Math.max(200, el.clientWidth), U), data, el);
      if (how.fixed) return;
      observer = new ResizeObserver(() => {
        const w = Math.max(200, el.clientWidth);
        if (plot && Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height: plot.height });
      });
      observer.observe(el);
    };
    const draw = () => void loadUplot().then(drawWith, () => {
      if (!gone) el.textContent = 'The chart could not be loaded: reload the page.';
    });
    const idle = how.defer ? later(draw) : (draw(), () => undefined);
    return () => {
      gone = true;
      idle();
      observer?.disconnect();
      plot?.destroy();
    };
  }, deps);
  return ref;
}

/** Runs `f` when the browser is idle (or soon, where requestIdleCallback is missing); returns a cancel */
function later(f: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(f, { timeout: 500 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(f, 0);
  return () => clearTimeout(id);
}

export function LineChart(props: { testid: string; title: string; series: Series[]; height?: number; yLabel?: string }) {
  const data = alignSeries(props.series);
  const ref = usePlot((width) => ({
    width, height: props.height ?? 260, title: props.title,
    scales: { x: { time: true } },
    axes: [{}, { label: props.yLabel, size: 60 }],
    series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true }))],
  }), data, [JSON.stringify(props.series), props.title]);
  return <figure class="chart" data-testid={props.testid} data-points={JSON.stringify(props.series.map((s) => ({ label: s.label, n: s.points.length, last: s.points.at(-1)?.v ?? null })))}>
    <div ref={ref} class="plot" role="img" aria-label={props.title} />
  </figure>;
}

/** A histogram bucket [lo, hi); lo null = from −∞ (the first), hi null = to +∞ (the last) */
export interface Bucket { lo: string | number | null; hi: string | number | null; count: number }

/** A bucket's short label: its lower edge ('<e' for the first, open one) */
const trimEdge = (v: string | number) => String(v).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
export const bucketLabel = (b: Bucket): string =>
  (b.lo === null ? (b.hi === null ? 'all' : `<${trimEdge(b.hi)}`) : b.hi === null ? `\u2265${trimEdge(b.lo)}` : trimEdge(b.lo));

/** A distribution as bars: one bar per bucket, in order, each labelled by its lower edge (open-ended buckets too) */
export function Histogram(props: { testid: string; title: string; buckets: Bucket[]; unit: string; color?: string }) {
  const xs = props.buckets.map((_, i) => i);
  const ys = props.buckets.map((b) => b.count);
  const labels = props.buckets.map(bucketLabel);
  const ref = usePlot((width, U) => {
    const every = Math.max(1, Math.ceil(props.buckets.length / Math.max(2, Math.floor(width / 55))));
    return {
      width, height: 200, title: props.title, cursor: { show: false },
      // every bucket whole on the x axis, and bars standing on zero
      scales: { x: { time: false, range: (): uPlot.Range.MinMax => [-0.5, Math.max(0.5, props.buckets.length - 0.5)] },
        y: { range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, Math.max(1, Math.ceil(max * 1.1))] } },
      axes: [{ label: props.unit, splits: () => xs.filter((i) => i % every === 0), values: (_u: uPlot, sp: number[]) => sp.map((i) => labels[i] ?? ''),
        grid: { show: false } }, { label: 'orders', size: 50 }],
      series: [{}, { label: 'orders', fill: props.color ?? '#4f7cac', stroke: props.color ?? '#4f7cac', paths: U.paths.bars!({ size: [0.9, 60] }),
        points: { show: false } }],
    };
  }, [xs, ys], [JSON.stringify(props.buckets), props.title]);
  return <figure class="chart" data-testid={props.testid}
    data-points={JSON.stringify({ buckets: props.buckets.length, total: ys.reduce((a, b) => a + b, 0) })}>
    <div ref={ref} class="plot" role="img" aria-label={`${props.title}: ${props.buckets.filter((b) => b.count > 0)
      .map((b) => `${bucketLabel(b)} ${props.unit}: ${b.count}`).join(', ')}`} />
  </figure>;
}

/** A small line without axes, for a table row */
export function Sparkline(props: { points: { t: string; v: string }[]; label: string }) {
  const data = alignSeries([{ label: props.label, color: '', points: props.points }]);
  const last = props.points.at(-1)?.v;
  const color = last && last.startsWith('-') ? '#b42318' : '#067647';
  const ref = usePlot(() => ({
    width: 120, height: 32, legend: { show: false }, cursor: { show: false }, select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    scales: { x: { time: true } }, axes: [{ show: false }, { show: false }],
    series: [{}, { stroke: color, width: 1.5, points: { show: false } }],
  }), data, [JSON.stringify(props.points)], { fixed: true, defer: true });
  if (props.points.length < 2) return <span class="spark-none" aria-label={`${props.label}: not enough points`}>–</span>;
  return <div ref={ref} class="spark" role="img" aria-label={props.label} data-points={String(props.points.length)} />;
}
