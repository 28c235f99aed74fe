// A waterfall drawn with uPlot: a start bar, signed steps each floating from where the previous one ended, and an end
// bar. Built for the gap decomposition (FT P&L + delay + execution + fees + opportunity + sizing = LT P&L). The API's
// strings stay in data-points; floats are used for drawing only
import type uPlot from 'uplot';
import { usePlot } from './charts.tsx';

export interface Step { key: string; label: string; value: string }

const COLORS = { total: '#4f7cac', up: '#067647', down: '#b42318' };

/** Each bar's [from, to] in float, the first and last from zero */
export function bars(start: Step, steps: Step[], end: Step): { from: number; to: number; kind: keyof typeof COLORS }[] {
  const out: { from: number; to: number; kind: keyof typeof COLORS }[] = [{ from: 0, to: Number(start.value), kind: 'total' }];
  let at = Number(start.value);
  for (const s of steps) {
    const next = at + Number(s.value);
    out.push({ from: at, to: next, kind: next >= at ? 'up' : 'down' });
    at = next;
  }
  out.push({ from: 0, to: Number(end.value), kind: 'total' });
  return out;
}

export function Waterfall(props: { testid: string; title: string; start: Step; steps: Step[]; end: Step; yLabel?: string }) {
  const all = [props.start, ...props.steps, props.end];
  const b = bars(props.start, props.steps, props.end);
  const lo = Math.min(0, ...b.flatMap((x) => [x.from, x.to]));
  const hi = Math.max(0, ...b.flatMap((x) => [x.from, x.to]));
  const pad = (hi - lo) * 0.08 || 1;
  const xs = all.map((_, i) => i);
  const ref = usePlot((width) => ({
    width, height: 240, title: props.title, legend: { show: false }, cursor: { show: false },
    scales: { x: { time: false, range: [-0.6, all.length - 0.4] }, y: { range: [lo - pad, hi + pad] } },
    axes: [
      { splits: () => xs, values: (_u: uPlot, splits: number[]) => splits.map((i) => all[i]?.label ?? ''), grid: { show: false } },
      { label: props.yLabel, size: 60 },
    ],
    series: [{}, { stroke: 'transparent', points: { show: false } }],
    hooks: { draw: [(u: uPlot) => {
      const ctx = u.ctx;
      ctx.save();
      b.forEach((bar, i) => {
        const x0 = u.valToPos(i - 0.35, 'x', true);
        const x1 = u.valToPos(i + 0.35, 'x', true);
        const y0 = u.valToPos(bar.from, 'y', true);
        const y1 = u.valToPos(bar.to, 'y', true);
        ctx.fillStyle = COLORS[bar.kind];
        ctx.fillRect(x0, Math.min(y0, y1), x1 - x0, Math.max(1, Math.abs(y1 - y0)));
      });
      ctx.restore();
    }] },
  }), [xs, b.map((x) => x.to)], [JSON.stringify(all), props.title]);
  return <figure class="chart" data-testid={props.testid}
    data-points={JSON.stringify(all.map((s) => ({ key: s.key, v: s.value })))}>
    <div ref={ref} class="plot" role="img" aria-label={`${props.title}: ${all.map((s) => `${s.label} ${s.value}`).join(', ')}`} />
  </figure>;
}
