// Property plots (Plotly, bundled): one kind against temperature, one trace per reference so
// that values from different papers can be told apart.
import Plotly from 'plotly.js-dist-min';
import type { Property, Reference } from './api';

function referenceLabel(ref: Reference | undefined, id: number | null): string {
  if (id === null) return 'no reference';
  if (!ref) return `reference ${id}`;
  const who = ref.authors?.[0] ? ref.authors[0].split(',')[0] : '';
  const parts = [who, ref.year ? String(ref.year) : ''].filter(Boolean);
  return parts.length ? parts.join(' ') : ref.doi || `reference ${id}`;
}

/// Draws `kind` against temperature into `el`; returns how many points were plotted (values
/// without a temperature cannot be placed and are listed only in the table).
export async function plotProperty(el: HTMLElement, kind: string, properties: Property[], references: Reference[]): Promise<number> {
  const refs = new Map(references.map((r) => [r.id, r]));
  const points = properties.filter((p) => p.kind === kind && p.value_si !== null && p.temperature_K !== null);
  const byRef = new Map<number | null, Property[]>();
  for (const p of points) {
    const list = byRef.get(p.reference_id) ?? [];
    list.push(p);
    byRef.set(p.reference_id, list);
  }
  const unit = points[0]?.unit_si ?? '';
  const data = [...byRef.entries()].map(([refId, list]) => ({
    type: 'scatter' as const,
    mode: 'markers' as const,
    name: referenceLabel(refs.get(refId ?? -1), refId),
    x: list.map((p) => p.temperature_K as number),
    y: list.map((p) => p.value_si as number),
    text: list.map((p) => `${p.formula}: ${p.value_as_given} ${p.unit_as_given}${p.method ? ` (${p.method})` : ''}`),
    hovertemplate: '%{text}<br>T = %{x} K<extra>%{fullData.name}</extra>',
    error_y: list.some((p) => p.uncertainty_si !== null)
      ? { type: 'data' as const, array: list.map((p) => p.uncertainty_si ?? 0), visible: true }
      : undefined,
    marker: { size: 9 },
  }));
  const values = points.map((p) => p.value_si as number);
  const logScale = values.length > 0 && values.every((v) => v > 0) && Math.max(...values) / Math.min(...values) > 100;
  const layout = {
    title: { text: `${kind.replace(/_/g, ' ')} against temperature` },
    xaxis: { title: { text: 'Temperature (K)' } },
    yaxis: { title: { text: `${kind.replace(/_/g, ' ')} (${unit})` }, type: logScale ? ('log' as const) : ('linear' as const), exponentformat: 'power' as const },
    margin: { l: 70, r: 20, t: 40, b: 50 },
    legend: { title: { text: 'Reference' } },
    height: 360,
  };
  await Plotly.newPlot(el, data, layout, { responsive: true, displaylogo: false });
  el.dataset.points = String(points.length);
  el.setAttribute('aria-label', `Plot of ${kind} against temperature: ${points.length} values from ${byRef.size} reference${byRef.size === 1 ? '' : 's'}`);
  return points.length;
}

/// A phase diagram from its boundary polylines (axes as the diagram record gives them).
export async function plotPhaseDiagram(el: HTMLElement, diagram: { system: string; title?: string; axes?: unknown; boundaries?: { label: string; points: [number, number][] }[] }): Promise<void> {
  // Axes come as [x, y] objects ({name, unit}) (docs/database.md), or as {x, y}.
  const raw = diagram.axes as unknown;
  const [ax, ay] = Array.isArray(raw) ? [raw[0], raw[1]] : [(raw as { x?: unknown })?.x, (raw as { y?: unknown })?.y];
  const axisTitle = (a: unknown, fallback: string) => {
    if (typeof a === 'string') return a;
    const o = a as { label?: string; name?: string; unit?: string } | undefined;
    const name = o?.label ?? o?.name ?? fallback;
    return o?.unit && o.unit !== '1' ? `${name} (${o.unit})` : name;
  };
  const data = (diagram.boundaries ?? []).map((b) => ({
    type: 'scatter' as const,
    mode: 'lines' as const,
    name: b.label || 'boundary',
    x: b.points.map((p) => p[0]),
    y: b.points.map((p) => p[1]),
  }));
  await Plotly.newPlot(
    el,
    data,
    {
      title: { text: diagram.title || diagram.system },
      xaxis: { title: { text: axisTitle(ax, 'composition') } },
      yaxis: { title: { text: axisTitle(ay, 'temperature') } },
      height: 360,
      margin: { l: 70, r: 20, t: 40, b: 50 },
    },
    { responsive: true, displaylogo: false },
  );
}
