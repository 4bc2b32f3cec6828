// DOS and band-structure plots of a calculation (Plotly, bundled like the property plots of
// plot.ts): energies from the valence-band maximum of an insulator, else the Fermi level, as
// the server gives them (zero_ev) and as `phasebook plot dos|bands` draws them.
import Plotly from 'plotly.js-dist-min';
import type { CalcDetail } from './api';

const SPIN = ['spin up', 'spin down'];
const COLOURS = ['#1f5fae', '#c0392b'];

function pathName(label: string): string {
  return label === 'G' || label.toLowerCase() === 'gamma' ? 'Γ' : label;
}

/// The total DOS, spin down drawn negative; returns the number of traces.
export async function plotDos(el: HTMLElement, dos: NonNullable<CalcDetail['dos']>, title: string): Promise<number> {
  const x = dos.energies_ev.map((e) => e - dos.zero_ev);
  const data = dos.total.map((values, s) => ({
    type: 'scatter' as const,
    mode: 'lines' as const,
    name: dos.total.length > 1 ? SPIN[s] : 'total DOS',
    x,
    y: s === 1 ? values.map((v) => -v) : values,
    line: { color: COLOURS[s % 2], width: 1.5 },
    hovertemplate: 'E = %{x:.3f} eV<br>%{y:.3f} states/eV<extra></extra>',
  }));
  await Plotly.newPlot(
    el,
    data,
    {
      title: { text: title },
      xaxis: { title: { text: 'E − E₀ (eV)' }, zeroline: true },
      yaxis: { title: { text: 'DOS (states/eV per cell)' } },
      showlegend: dos.total.length > 1,
      shapes: [{ type: 'line', x0: 0, x1: 0, yref: 'paper', y0: 0, y1: 1, line: { dash: 'dash', color: 'gray', width: 1 } }],
      margin: { l: 70, r: 20, t: 40, b: 50 },
      height: 380,
    },
    { responsive: true, displaylogo: false },
  );
  el.dataset.traces = String(data.length);
  el.dataset.points = String(x.length);
  const how = dos.source === 'code' ? 'as the code wrote it' : `Gaussian broadening of ${dos.sigma_ev} eV of the eigenvalues`;
  el.setAttribute('aria-label', `Density of states against energy, ${x.length} energies, ${how}; zero at ${dos.zero_ev.toFixed(3)} eV`);
  return data.length;
}

/// The bands along the k-path with the high-symmetry points; returns the number of traces.
export async function plotBands(el: HTMLElement, bands: NonNullable<CalcDetail['bands']>, title: string): Promise<number> {
  const x = bands.distance;
  const data = bands.eigenvalues_ev.flatMap((lines, s) =>
    lines.map((line, b) => ({
      type: 'scatter' as const,
      mode: 'lines' as const,
      name: `band ${b + 1}${bands.eigenvalues_ev.length > 1 ? ` (${SPIN[s]})` : ''}`,
      legendgroup: SPIN[s],
      showlegend: false,
      x,
      y: line.map((e) => (e === null ? null : e - bands.zero_ev)),
      line: { color: COLOURS[s % 2], width: 1.5, dash: s === 1 ? ('dash' as const) : ('solid' as const) },
      hovertemplate: `band ${b + 1}: %{y:.3f} eV<extra></extra>`,
    })),
  );
  // One tick per high-symmetry point; two labels at one distance (a jump) read "K|U".
  const ticks: { x: number; text: string }[] = [];
  for (const l of bands.labels) {
    const last = ticks[ticks.length - 1];
    if (last && Math.abs(last.x - l.distance) < 1e-9) last.text += `|${pathName(l.label)}`;
    else ticks.push({ x: l.distance, text: pathName(l.label) });
  }
  await Plotly.newPlot(
    el,
    data,
    {
      title: { text: title },
      xaxis: { title: { text: 'k-path' }, tickvals: ticks.map((t) => t.x), ticktext: ticks.map((t) => t.text), range: [0, x[x.length - 1] || 1], showgrid: false, zeroline: false },
      yaxis: { title: { text: 'E − E₀ (eV)' }, range: [-12, 8] },
      shapes: [
        ...ticks.map((t) => ({ type: 'line' as const, x0: t.x, x1: t.x, yref: 'paper' as const, y0: 0, y1: 1, line: { color: '#999', width: 1 } })),
        { type: 'line' as const, xref: 'paper' as const, x0: 0, x1: 1, y0: 0, y1: 0, line: { dash: 'dash' as const, color: 'gray', width: 1 } },
      ],
      margin: { l: 70, r: 20, t: 40, b: 50 },
      height: 420,
    },
    { responsive: true, displaylogo: false },
  );
  el.dataset.traces = String(data.length);
  el.dataset.points = String(x.length);
  el.setAttribute('aria-label', `Band structure: ${data.length} bands on ${x.length} k-points along ${ticks.map((t) => t.text).join('–')}; zero at ${bands.zero_ev.toFixed(3)} eV`);
  return data.length;
}
