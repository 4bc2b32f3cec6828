// Calculation results (docs/web.md): the DFT jobs of `phasebook calc run` with their energies
// and gaps (GET /api/calculations), and one job with its numbers, DOS and band structure
// (GET /api/calculations/{id}). A guest sees only jobs on public structures; the server decides.
import { ApiError, calculation, calculations, type CalcDetail, type CalcRow } from './api';
import { fmt, formula, h, link, message } from './dom';

const STATES = ['', 'done', 'running', 'submitted', 'queued', 'failed', 'cancelled'];

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

function gapText(gap: number | null, direct: boolean | null, metal: boolean | null): string {
  if (metal) return 'metal';
  if (gap === null) return '';
  return `${fmt(gap, 4)} (${direct ? 'direct' : 'indirect'})`;
}

function calcTable(rows: CalcRow[]): HTMLElement {
  const cols = ['Job', 'Formula', 'Code', 'Task', 'State', 'Energy (eV)', 'Energy/atom (eV)', 'Fermi level (eV)', 'Band gap (eV)', 'Updated (UTC)'];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'calc-table' },
      h('caption', {}, 'DFT calculations: state and the numbers of the parsed result'),
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            { 'data-job': r.id, 'data-state': r.state },
            h('td', {}, link(`/calculations/${r.id}`, `#${r.id}`)),
            h('td', {}, r.formula ? (r.substance_id ? link(`/substances/${r.substance_id}`, formula(r.formula)) : formula(r.formula)) : ''),
            h('td', {}, r.code),
            h('td', {}, r.task),
            h('td', { title: r.reason ?? '' }, r.state, r.attempts > 1 ? ` (${r.attempts} attempts)` : '', r.state !== 'done' && r.reason ? h('div', { class: 'reason' }, r.reason) : ''),
            h('td', { class: 'num' }, fmt(r.energy_ev, 10)),
            h('td', { class: 'num' }, fmt(r.energy_per_atom_ev, 8)),
            h('td', { class: 'num' }, fmt(r.fermi_ev, 6)),
            h('td', { class: 'num' }, gapText(r.band_gap_ev, r.gap_direct, r.metal)),
            h('td', { class: 'num' }, r.updated_at.replace('T', ' ').replace('Z', '')),
          ),
        ),
      ),
    ),
  );
}

export async function renderCalculations(main: HTMLElement, params: URLSearchParams): Promise<void> {
  document.title = 'Calculations · Phasebook';
  const p = new URLSearchParams();
  for (const k of ['state', 'code', 'task', 'substance_id', 'limit', 'offset']) if (params.get(k)) p.set(k, params.get(k)!);
  if (!p.get('limit')) p.set('limit', '50');
  const stateSelect = h('select', { id: 'calc-state', name: 'state' }, STATES.map((s) => h('option', { value: s, selected: s === (p.get('state') ?? '') }, s || 'any')));
  const form = h(
    'form',
    { class: 'actions', id: 'calc-filter', 'aria-label': 'Filter calculations', method: 'get', action: '/calculations' },
    h('div', { class: 'field' }, h('label', { for: 'calc-state' }, 'State'), stateSelect),
    h('div', { class: 'field' }, h('label', { for: 'calc-task' }, 'Task'), h('input', { id: 'calc-task', name: 'task', value: p.get('task') ?? '', placeholder: 'scf, relax, dos, bands' })),
    h('div', { class: 'field' }, h('label', { for: 'calc-code' }, 'Code'), h('input', { id: 'calc-code', name: 'code', value: p.get('code') ?? '', placeholder: 'qe, vasp, abinit' })),
    h('div', { class: 'field' }, h('label', { class: 'visually-hidden', for: 'calc-apply' }, 'Apply'), h('button', { type: 'submit', id: 'calc-apply' }, 'Show')),
  );
  try {
    const page = await calculations(p);
    const limit = Number(p.get('limit'));
    const more = (o: number) => {
      const q = new URLSearchParams(p);
      q.set('offset', String(o));
      return `/calculations?${q}`;
    };
    main.replaceChildren(
      h('h1', {}, 'Calculations'),
      form,
      h('p', { class: 'summary', id: 'calc-count', 'data-total': page.total }, `${page.total} calculation${page.total === 1 ? '' : 's'}. Run them with `, h('code', {}, 'phasebook calc run'), ' (docs/calc.md).'),
      page.rows.length ? calcTable(page.rows) : message('info', 'No calculations match.'),
      h('nav', { class: 'pager', 'aria-label': 'Calculation pages' }, page.offset > 0 ? link(more(Math.max(0, page.offset - limit)), '← Previous') : '', page.offset + page.rows.length < page.total ? link(more(page.offset + limit), 'Next →') : ''),
    );
  } catch (e) {
    main.replaceChildren(h('h1', {}, 'Calculations'), form, message('error', errorText(e)));
  }
  main.dataset.ready = 'true';
}

function row(label: string, ...value: (Node | string)[]): Node[] {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}

function numbers(d: CalcDetail): HTMLElement {
  const j = d.job;
  const r = d.result;
  const inputs = (r?.inputs ?? {}) as Record<string, unknown>;
  const mesh = inputs.kmesh as { k1: number; k2: number; k3: number; shift: number } | undefined;
  const items: Node[] = [
    ...row('State', j.state, j.reason ? ` — ${j.reason}` : '', ` (${j.attempts} of at most ${j.max_attempts} attempts, runner ${j.runner})`),
    ...row('Structure', j.structure_id !== null ? h('a', { href: `/api/structures/${j.structure_id}.cif` }, `#${j.structure_id} (CIF)`) : 'none', j.substance_id ? ' in substance ' : '', j.substance_id ? link(`/substances/${j.substance_id}`, j.substance_id) : ''),
    ...row('Batch', j.batch),
  ];
  if (r) {
    const gap = r.gap;
    items.push(
      ...row('Total energy', r.energy_ev === null ? 'not read' : `${fmt(r.energy_ev, 12)} eV`),
      ...row('Energy per atom', r.energy_per_atom_ev === null ? '' : `${fmt(r.energy_per_atom_ev, 10)} eV (${r.natoms} atoms)`),
      ...row('Formation energy', r.formation_energy_ev_per_atom === null ? '' : `${fmt(r.formation_energy_ev_per_atom, 6)} eV/atom; `, r.formation_note),
      ...row('Fermi level', r.fermi_ev === null ? '' : `${fmt(r.fermi_ev, 8)} eV`),
      ...row('Band gap', gap ? (gap.metal ? 'metal' : `${fmt(gap.gap_ev, 5)} eV, ${gap.direct ? 'direct' : 'indirect'} (VBM ${fmt(gap.vbm_ev, 6)} eV, CBM ${fmt(gap.cbm_ev, 6)} eV)`) : 'not determined'),
      ...row('Magnetisation', r.magnetization === null ? 'none' : `${fmt(r.magnetization, 5)} μB per cell`),
      ...row('Convergence', `${r.converged ? 'converged' : 'not converged'}, ${r.scf_steps} SCF steps${r.completed ? '' : ', did not reach its normal end'}`),
      ...row('Settings', `${j.code} ${j.task}`, inputs.ecutwfc_ry ? `, ecutwfc ${inputs.ecutwfc_ry} Ry` : '', mesh ? `, k-mesh ${mesh.k1}×${mesh.k2}×${mesh.k3}${mesh.shift ? ' shifted' : ''}` : '', inputs.pseudos ? `, pseudopotentials ${Object.values(inputs.pseudos as Record<string, string>).join(', ')}` : ''),
    );
    if (r.stress_gpa) items.push(...row('Stress (GPa)', `[${r.stress_gpa.map((v) => fmt(v, 4)).join(', ')}]`));
    if (r.errors.length) items.push(...row('Errors', r.errors.join('; ')));
  }
  return h('dl', { class: 'identity', id: 'calc-numbers' }, ...items);
}

export async function renderCalculation(main: HTMLElement, id: string): Promise<void> {
  document.title = `Calculation ${id} · Phasebook`;
  let d: CalcDetail;
  try {
    d = await calculation(id);
  } catch (e) {
    main.replaceChildren(h('h1', {}, `Calculation ${id}`), message('error', errorText(e)), h('p', {}, link('/calculations', 'All calculations')));
    main.dataset.ready = 'true';
    return;
  }
  const j = d.job;
  const title = `${j.formula || 'job'} (${j.code} ${j.task}, job ${j.id})`;
  document.title = `${title} · Phasebook`;
  const dosDiv = h('div', { id: 'dos-plot', class: 'plot', role: 'img' });
  const bandsDiv = h('div', { id: 'bands-plot', class: 'plot', role: 'img' });
  main.replaceChildren(
    h('h1', {}, 'Calculation ', j.formula ? formula(j.formula) : '', ` — ${j.code} ${j.task}, job ${j.id}`),
    h('p', {}, link('/calculations', '← All calculations'), ' · ', h('a', { href: `/api/calculations/${j.id}`, download: `calculation-${j.id}.json`, id: 'calc-json' }, 'JSON')),
    h('section', { 'aria-labelledby': 'calc-numbers-h' }, h('h2', { id: 'calc-numbers-h' }, 'Result'), numbers(d)),
    h(
      'section',
      { 'aria-labelledby': 'calc-dos-h' },
      h('h2', { id: 'calc-dos-h' }, 'Density of states'),
      d.dos ? h('p', { class: 'summary' }, d.dos.source === 'code' ? 'The total DOS the code wrote.' : `Gaussian broadening (σ = ${d.dos.sigma_ev} eV) of the eigenvalues with their k-point weights.`, ' Energies from the valence-band maximum of an insulator, else the Fermi level.') : '',
      d.dos ? dosDiv : message('info', d.result ? 'This result holds no eigenvalues.' : `No result: the job is ${j.state}.`),
    ),
    h('section', { 'aria-labelledby': 'calc-bands-h' }, h('h2', { id: 'calc-bands-h' }, 'Band structure'), d.bands ? bandsDiv : message('info', d.result ? 'No eigenvalues along a k-path: the bands task computes them.' : `No result: the job is ${j.state}.`)),
  );
  if (d.dos || d.bands) {
    const { plotBands, plotDos } = await import('./calcplot');
    if (d.dos) await plotDos(dosDiv, d.dos, `${title}: DOS`);
    if (d.bands) await plotBands(bandsDiv, d.bands, `${title}: bands`);
  }
  main.dataset.ready = 'true';
}
