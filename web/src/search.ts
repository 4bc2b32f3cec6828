// The search page: periodic table and condition fields -> /api/search. The conditions live in
// the URL (/search?elements=Li,Zr,O&...) under the API's own parameter names, so a search can be
// bookmarked, shared and reloaded, and the download links are the same query with a format.
import { ApiError, search, structureUrl, type StructureRow } from './api';
import { fmt, formula, h, link, message } from './dom';
import { PeriodicTable } from './periodic';
import { navigate } from './router';

const PAGE_SIZES = [25, 50, 100, 200];
const DEFAULT_LIMIT = 50;

const CRYSTAL_SYSTEMS = ['triclinic', 'monoclinic', 'orthorhombic', 'tetragonal', 'trigonal', 'hexagonal', 'cubic'];
const PROPERTY_KINDS = [
  'ionic_conductivity',
  'bulk_ionic_conductivity',
  'grain_boundary_ionic_conductivity',
  'electronic_conductivity',
  'activation_energy',
  'band_gap',
  'formation_energy_per_atom',
  'energy_above_hull',
  'specific_capacity',
  'average_voltage',
  'density',
  'melting_point',
  'thermal_conductivity',
  'thermal_boundary_resistance',
];

// The text fields: API parameter, label, placeholder, fieldset.
const FIELDS: [string, string, string, string][] = [
  ['formula', 'Formula', 'Li7La3Zr2O12', 'Composition'],
  ['contains', 'Formula contains', 'PO4', 'Composition'],
  ['nelements', 'Number of elements', '3-5', 'Composition'],
  ['space_group', 'Space group number', '230', 'Structure'],
  ['pearson', 'Pearson symbol', 'cI160', 'Structure'],
  ['structure_type', 'Structure type', 'garnet', 'Structure'],
  ['property', 'Property', 'ionic_conductivity', 'Property'],
  ['min', 'Minimum value', '1e-4', 'Property'],
  ['max', 'Maximum value', '1e-2', 'Property'],
  ['unit', 'Unit', 'S/cm', 'Property'],
  ['temperature', 'Temperature range (K)', '250-400', 'Property'],
  ['author', 'Author', 'Murugan', 'Reference'],
  ['journal', 'Journal', 'Chem. Mater.', 'Reference'],
  ['year', 'Year or range', '2010-2020', 'Reference'],
  ['doi', 'DOI', '10.1002/anie.200701144', 'Reference'],
  ['text', 'Free text', 'garnet tantalum', 'Free text'],
];

// Sortable columns of the results table: header, API sort field, cell.
const COLUMNS: [string, string | null, (r: StructureRow) => Node | string][] = [
  ['Formula', 'formula', (r) => (r.substance_id ? link(`/substances/${r.substance_id}`, formula(r.chemical_formula_reduced)) : formula(r.chemical_formula_reduced))],
  ['Space group', 'space_group', (r) => (r.space_group_number ? `${r.space_group_symbol} (${r.space_group_number})` : '')],
  ['Crystal system', 'crystal_system', (r) => r.crystal_system],
  ['Pearson', 'pearson', (r) => r.pearson_symbol],
  ['a (Å)', 'a', (r) => fmt(r.lattice?.a)],
  ['b (Å)', 'b', (r) => fmt(r.lattice?.b)],
  ['c (Å)', 'c', (r) => fmt(r.lattice?.c)],
  ['Volume (Å³)', 'volume', (r) => fmt(r.volume)],
  ['Substance', 'substance', (r) => (r.substance_id ? link(`/substances/${r.substance_id}`, r.substance_id) : '—')],
  ['Structure', 'id', (r) => h('a', { href: structureUrl(r.id, '.cif'), download: `structure-${r.id}.cif`, 'aria-label': `CIF of structure ${r.id}` }, `#${r.id} CIF`)],
];

export function renderSearch(main: HTMLElement, params: URLSearchParams): void {
  const table = new PeriodicTable(() => updateSelection());
  const selection = h('p', { class: 'selection', 'aria-live': 'polite' });
  const mode = h(
    'select',
    { id: 'element-mode', name: 'element-mode' },
    h('option', { value: 'elements' }, 'all of them (and possibly others)'),
    h('option', { value: 'elements_any' }, 'at least one of them'),
    h('option', { value: 'elements_only' }, 'only them, nothing else'),
  );
  const crystal = h('select', { id: 'f-crystal_system', name: 'crystal_system' }, h('option', { value: '' }, 'any'), CRYSTAL_SYSTEMS.map((c) => h('option', { value: c }, c)));
  const inputs = new Map<string, HTMLInputElement>();
  const fieldsets = new Map<string, HTMLFieldSetElement>();
  for (const [name, label, placeholder, group] of FIELDS) {
    let fs = fieldsets.get(group);
    if (!fs) {
      fs = h('fieldset', { class: 'group' }, h('legend', {}, group));
      fieldsets.set(group, fs);
    }
    const input = h('input', { id: `f-${name}`, name, type: 'text', placeholder: `e.g. ${placeholder}`, autocomplete: 'off' });
    if (name === 'property') input.setAttribute('list', 'property-kinds');
    inputs.set(name, input);
    fs.appendChild(h('div', { class: 'field' }, h('label', { for: `f-${name}` }, label), input));
  }
  fieldsets.get('Structure')!.appendChild(h('div', { class: 'field' }, h('label', { for: 'f-crystal_system' }, 'Crystal system'), crystal));
  const kinds = h('datalist', { id: 'property-kinds' }, PROPERTY_KINDS.map((k) => h('option', { value: k })));

  const results = h('section', { id: 'results', 'aria-labelledby': 'results-heading' });
  const form = h(
    'form',
    { class: 'search-form', role: 'search', 'aria-label': 'Search structures' },
    h(
      'fieldset',
      { class: 'elements' },
      h('legend', {}, 'Elements'),
      table.element,
      h(
        'div',
        { class: 'element-controls' },
        selection,
        h('label', { for: 'element-mode' }, 'Required elements: '),
        mode,
        h('button', { type: 'button', class: 'secondary', onclick: () => { table.clear(); updateSelection(); } }, 'Clear elements'),
      ),
    ),
    h('div', { class: 'groups' }, [...fieldsets.values()]),
    kinds,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'search-button' }, 'Search'), h('button', { type: 'reset', class: 'secondary' }, 'Reset')),
  );

  function updateSelection(): void {
    const inc = table.with('include');
    const exc = table.with('exclude');
    selection.textContent =
      inc.length || exc.length
        ? `Required: ${inc.join(', ') || 'none'}. Excluded: ${exc.join(', ') || 'none'}.`
        : 'No elements selected.';
  }

  // URL -> form.
  table.clear();
  let modeName = 'elements';
  for (const m of ['elements', 'elements_any', 'elements_only']) {
    const v = params.get(m);
    if (v) {
      modeName = m;
      v.split(',').forEach((s) => table.set(s.trim(), 'include'));
    }
  }
  mode.value = modeName;
  (params.get('exclude') ?? '').split(',').filter(Boolean).forEach((s) => table.set(s.trim(), 'exclude'));
  for (const [name, input] of inputs) input.value = params.get(name) ?? '';
  crystal.value = params.get('crystal_system') ?? '';
  updateSelection();

  // Form -> URL; paging and sort come from the current URL unless reset.
  function formParams(): URLSearchParams {
    const p = new URLSearchParams();
    const inc = table.with('include');
    if (inc.length) p.set(mode.value, inc.join(','));
    const exc = table.with('exclude');
    if (exc.length) p.set('exclude', exc.join(','));
    for (const [name, input] of inputs) if (input.value.trim()) p.set(name, input.value.trim());
    if (crystal.value) p.set('crystal_system', crystal.value);
    return p;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = formParams();
    if (params.get('sort')) p.set('sort', params.get('sort')!);
    if (params.get('limit')) p.set('limit', params.get('limit')!);
    navigate(`/search?${p}`);
  });
  form.addEventListener('reset', () => {
    setTimeout(() => {
      table.clear();
      updateSelection();
    });
  });

  main.replaceChildren(h('h1', {}, 'Search structures'), form, results);
  if ([...params.keys()].some((k) => k !== 'limit' && k !== 'offset' && k !== 'sort')) {
    void runSearch(results, params);
  } else {
    results.replaceChildren(h('h2', { id: 'results-heading' }, 'Results'), message('info', 'Pick elements on the table or fill in a field, then press Search.'));
  }
}

async function runSearch(section: HTMLElement, params: URLSearchParams): Promise<void> {
  const limit = Number(params.get('limit') ?? DEFAULT_LIMIT);
  const offset = Number(params.get('offset') ?? 0);
  const api = new URLSearchParams(params);
  api.set('limit', String(limit));
  api.set('offset', String(offset));
  section.setAttribute('aria-busy', 'true');
  section.replaceChildren(h('h2', { id: 'results-heading' }, 'Results'), message('info', 'Searching…'));
  try {
    const page = await search(api);
    section.replaceChildren(h('h2', { id: 'results-heading' }, 'Results'), ...resultsView(params, page.rows, page.total, offset, limit));
    // For bench/web_first_page.mjs: the time from navigation start to the first page of results.
    performance.mark('pb-results');
  } catch (e) {
    const text = e instanceof ApiError ? `The search was not accepted: ${e.message}` : `The search failed: ${String(e)}`;
    section.replaceChildren(h('h2', { id: 'results-heading' }, 'Results'), message('error', text));
  } finally {
    section.removeAttribute('aria-busy');
  }
}

function withParams(params: URLSearchParams, changes: Record<string, string | null>): string {
  const p = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) p.delete(k);
    else p.set(k, v);
  }
  return `/search?${p}`;
}

function resultsView(params: URLSearchParams, rows: StructureRow[], total: number, offset: number, limit: number): Node[] {
  if (total === 0) return [message('info', 'No structures match these conditions.')];
  const substances = new Set(rows.map((r) => r.substance_id).filter(Boolean));
  const summary = h(
    'p',
    { class: 'summary', role: 'status', id: 'result-count', 'data-total': total },
    `${total} structure${total === 1 ? '' : 's'}; showing ${offset + 1}–${offset + rows.length} (${substances.size} substance${substances.size === 1 ? '' : 's'} on this page).`,
  );

  // Downloads of the whole result set (API limit 10000 rows per request).
  const exportParams = new URLSearchParams(params);
  exportParams.delete('offset');
  exportParams.set('limit', String(Math.min(total, 10000)));
  const as = (format: string) => {
    const p = new URLSearchParams(exportParams);
    if (format !== 'json') p.set('format', format);
    return `/api/search?${p}`;
  };
  const capped = total > 10000 ? ` (the first 10000 of ${total})` : '';
  const downloads = h(
    'div',
    { class: 'downloads', role: 'group', 'aria-label': 'Download the result set' },
    `Download the result set${capped}: `,
    h('a', { href: as('csv'), download: 'structures.csv', id: 'download-csv' }, 'CSV'),
    h('a', { href: as('json'), download: 'structures.json', id: 'download-json' }, 'JSON'),
    h('a', { href: as('cif'), download: 'structures.cif', id: 'download-cif' }, 'CIF (one file)'),
    h('a', { href: as('zip'), download: 'structures.zip', id: 'download-zip' }, 'CIF zip'),
  );

  const sort = params.get('sort') ?? 'id';
  const [sortField, sortDir] = sort.split(':');
  const head = h(
    'tr',
    {},
    COLUMNS.map(([label, field]) => {
      if (!field) return h('th', { scope: 'col' }, label);
      const active = field === sortField;
      const next = active && sortDir !== 'desc' ? `${field}:desc` : field;
      return h(
        'th',
        { scope: 'col', 'aria-sort': active ? (sortDir === 'desc' ? 'descending' : 'ascending') : 'none' },
        link(withParams(params, { sort: next, offset: null }), label, active ? (sortDir === 'desc' ? ' ▼' : ' ▲') : ''),
      );
    }),
  );
  const body = h(
    'tbody',
    {},
    rows.map((r) => h('tr', { 'data-structure': r.id }, COLUMNS.map(([, , cell]) => h('td', {}, cell(r))))),
  );
  const table = h('table', { class: 'results', id: 'results-table' }, h('caption', { class: 'visually-hidden' }, 'Matching structures'), h('thead', {}, head), body);

  const pages = Math.ceil(total / limit);
  const current = Math.floor(offset / limit) + 1;
  const size = h('select', { id: 'page-size', 'aria-label': 'Rows per page' }, PAGE_SIZES.map((n) => h('option', { value: n, selected: n === limit }, `${n} per page`)));
  size.addEventListener('change', () => navigate(withParams(params, { limit: size.value, offset: null })));
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Result pages' },
    current > 1 ? link(withParams(params, { offset: String(offset - limit) }), '← Previous') : h('span', { class: 'disabled' }, '← Previous'),
    h('span', {}, ` Page ${current} of ${pages} `),
    current < pages ? link(withParams(params, { offset: String(offset + limit) }), 'Next →') : h('span', { class: 'disabled' }, 'Next →'),
    size,
  );
  return [summary, downloads, h('div', { class: 'table-wrap' }, table), pager];
}
