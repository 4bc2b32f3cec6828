// Plots of a saved ML model (Plotly, bundled like plot.ts and calcplot.ts), the web form of
// `phasebook learn plot parity|importance|ablation|overlap` (docs/ml.md): predicted against
// measured with one colour per CV fold and the diagonal, importance bars with their spread,
// the ablation by descriptor group, and the overlap of a screening.
import Plotly from 'plotly.js-dist-min';

const FOLD_COLOURS = ['#1f5fae', '#c0392b', '#2e8b57', '#b8860b', '#7b3fa0', '#008b8b', '#d2691e', '#556b2f', '#c71585', '#4a4a4a'];
const CONFIG = { responsive: true, displaylogo: false };

export interface ParityPoint {
  line: number | null;
  group: string;
  fold: number | null;
  measured: number | null;
  predicted: number | null;
  predicted_std: number | null;
}

export interface Spread {
  mean: number;
  sd: number;
}

function num(v: number, digits = 3): string {
  return String(Number(v.toPrecision(digits)));
}

/// Out-of-fold predictions against the measured values, one trace per fold, the y = x line and
/// the CV figures in a corner; returns the number of points drawn.
export async function plotParity(el: HTMLElement, points: ParityPoint[], opts: { axis: string; r2?: Spread; mae?: Spread; scheme: string; title: string }): Promise<number> {
  const usable = points.filter((p) => p.measured !== null && p.predicted !== null);
  const folds = [...new Set(usable.map((p) => p.fold ?? 0))].sort((a, b) => a - b);
  const data: Plotly.Data[] = folds.map((f) => {
    const list = usable.filter((p) => (p.fold ?? 0) === f);
    return {
      type: 'scatter' as const,
      mode: 'markers' as const,
      name: `fold ${f + 1}`,
      x: list.map((p) => p.measured as number),
      y: list.map((p) => p.predicted as number),
      text: list.map((p) => `${p.group}${p.line !== null ? ` (line ${p.line})` : ''}`),
      hovertemplate: '%{text}<br>measured %{x:.3f}<br>predicted %{y:.3f}<extra>%{fullData.name}</extra>',
      marker: { size: 6, opacity: 0.75, color: FOLD_COLOURS[f % FOLD_COLOURS.length] },
      // A GP's predictive standard deviation (±1σ) on each prediction.
      error_y: list.some((p) => p.predicted_std !== null) ? { type: 'data' as const, array: list.map((p) => p.predicted_std ?? 0), visible: true, thickness: 1, width: 0, color: FOLD_COLOURS[f % FOLD_COLOURS.length] } : undefined,
    };
  });
  const values = usable.flatMap((p) => [p.measured as number, p.predicted as number]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo) * 0.04 || 1;
  data.push({ type: 'scatter', mode: 'lines', name: 'y = x', x: [lo - pad, hi + pad], y: [lo - pad, hi + pad], line: { dash: 'dash', color: 'gray', width: 1 }, hoverinfo: 'skip' });
  const withStd = usable.some((p) => p.predicted_std !== null);
  const figures = [opts.r2 ? `R² = ${num(opts.r2.mean)} ± ${num(opts.r2.sd, 2)}` : '', opts.mae ? `MAE = ${num(opts.mae.mean)} ± ${num(opts.mae.sd, 2)}` : '', `n = ${usable.length}`, opts.scheme, withStd ? 'bars: ±1σ predictive' : ''].filter(Boolean);
  await Plotly.newPlot(
    el,
    data,
    {
      title: { text: opts.title },
      xaxis: { title: { text: `measured ${opts.axis}` }, range: [lo - pad, hi + pad], zeroline: false },
      yaxis: { title: { text: `predicted ${opts.axis}` }, range: [lo - pad, hi + pad], zeroline: false },
      annotations: [{ xref: 'paper', yref: 'paper', x: 0.02, y: 0.98, xanchor: 'left', yanchor: 'top', showarrow: false, align: 'left', text: figures.join('<br>'), bgcolor: 'rgba(255,255,255,0.85)', bordercolor: '#ccc', borderwidth: 1 }],
      legend: { title: { text: 'CV fold' } },
      margin: { l: 70, r: 20, t: 40, b: 55 },
      height: 520,
    },
    CONFIG,
  );
  el.dataset.points = String(usable.length);
  el.dataset.folds = String(folds.length);
  el.setAttribute('aria-label', `Parity plot: ${usable.length} out-of-fold predictions against measured ${opts.axis}, ${folds.length} folds in colour, the dashed line y = x; ${figures.join(', ')}`);
  return usable.length;
}

export interface Bar {
  label: string;
  value: number;
  sd?: number;
}

/// Horizontal bars, the largest at the top; returns the number of bars.
export async function plotBars(el: HTMLElement, bars: Bar[], opts: { title: string; axis: string; what: string }): Promise<number> {
  const rev = [...bars].reverse();
  const withSd = bars.some((b) => b.sd !== undefined && b.sd > 0);
  const longest = Math.max(10, ...bars.map((b) => b.label.length));
  await Plotly.newPlot(
    el,
    [
      {
        type: 'bar',
        orientation: 'h',
        x: rev.map((b) => b.value),
        y: rev.map((b) => b.label),
        error_x: withSd ? { type: 'data', array: rev.map((b) => b.sd ?? 0), visible: true, color: '#555' } : undefined,
        marker: { color: '#1f5fae' },
        hovertemplate: withSd ? '%{y}: %{x:.4g} ± %{error_x.array:.2g}<extra></extra>' : '%{y}: %{x:.4g}<extra></extra>',
      },
    ],
    {
      title: { text: opts.title },
      xaxis: { title: { text: opts.axis } },
      yaxis: { automargin: true, tickfont: { size: 11 } },
      margin: { l: Math.min(320, 7 * longest), r: 20, t: 40, b: 50 },
      height: Math.max(260, 90 + 18 * bars.length),
    },
    CONFIG,
  );
  el.style.minHeight = '0'; // as tall as its bars, not the default plot height
  el.dataset.bars = String(bars.length);
  const top = bars.slice(0, 3).map((b) => `${b.label} ${num(b.value)}`).join(', ');
  el.setAttribute('aria-label', `${opts.what}: ${bars.length} bars of ${opts.axis}${top ? `; largest: ${top}` : ''}`);
  return bars.length;
}
