// The substance page: identity, why each member belongs, linked structures with a 3D viewer,
// properties as a table and plotted against temperature, phase diagrams, references and
// downloads. Loaded on demand (it pulls in 3Dmol and Plotly).
import { ApiError, atLeast, me, structureUrl, substanceAudit, substance as fetchSubstance, type Member, type Property, type Reference, type StructureRecord, type Substance } from './api';
import { fmt, formula, h, link, message } from './dom';
import { auditTable } from './audit';
import { editingSection } from './editing';
import { resultsSection } from './results_section';
import { plotPhaseDiagram, plotProperty } from './plot';
import { StructureViewer } from './viewer';

function doiLink(doi: string): HTMLElement | string {
  return doi ? h('a', { href: `https://doi.org/${encodeURI(doi)}`, rel: 'noopener', target: '_blank' }, doi) : '';
}

function citation(ref: Reference): (Node | string)[] {
  const authors = ref.authors?.length ? `${ref.authors.slice(0, 3).join('; ')}${ref.authors.length > 3 ? ' et al.' : ''}. ` : '';
  const where = [ref.journal, ref.volume, ref.pages].filter(Boolean).join(', ');
  const text = [authors, ref.title ? h('em', {}, ref.title) : '', ref.title ? '. ' : '', where, ref.year ? ` (${ref.year})` : ''].filter(Boolean);
  if (ref.doi) text.push(text.length ? ' · DOI ' : 'DOI ', doiLink(ref.doi));
  return text;
}

function refCell(refs: Map<number, Reference>, id: number | null): Node | string {
  if (id === null) return '—';
  const r = refs.get(id);
  if (!r) return `#${id}`;
  if (r.doi) return doiLink(r.doi);
  return h('a', { href: `#ref-${id}` }, r.title || `reference ${id}`);
}

function numbers(n: Record<string, unknown>): string {
  return Object.entries(n ?? {})
    .map(([k, v]) => `${k.replace(/_/g, ' ')} = ${typeof v === 'number' ? fmt(v) : String(v)}`)
    .join('; ');
}

function section(id: string, title: string, ...children: (Node | string | null)[]): HTMLElement {
  return h('section', { id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...children);
}

function downloads(id: number): HTMLElement {
  return h(
    'span',
    { class: 'dl' },
    (['.cif', '.poscar', '.json'] as const).map((ext) =>
      h('a', { href: structureUrl(id, ext), download: `structure-${id}${ext === '.poscar' ? '.vasp' : ext}`, 'aria-label': `${ext.slice(1).toUpperCase()} of structure ${id}`, 'data-format': ext.slice(1) }, ext.slice(1).toUpperCase()),
    ),
  );
}

function membersTable(members: Member[]): HTMLElement {
  const rows = members.map((m) =>
    h(
      'tr',
      { 'data-member': `${m.entity_kind}-${m.entity_id}` },
      h('td', {}, m.entity_kind),
      h('td', {}, m.entity_kind === 'structure' ? h('a', { href: `#structure-${m.entity_id}` }, `#${m.entity_id}`) : `#${m.entity_id}`),
      h('td', {}, m.rule),
      h('td', { class: 'numbers' }, numbers(m.numbers)),
    ),
  );
  return h('table', { id: 'members-table' }, h('caption', {}, 'Each member with the rule that admitted it'), h('thead', {}, h('tr', {}, ['Kind', 'Entry', 'Why it belongs', 'Numbers'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, rows));
}

function structuresTable(structures: StructureRecord[], refs: Map<number, Reference>, onView: (s: StructureRecord) => void): HTMLElement {
  const rows = structures.map((s) => {
    const view = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Show structure ${s.id} in the 3D viewer` }, 'View 3D');
    view.addEventListener('click', () => onView(s));
    const l = s.lattice;
    return h(
      'tr',
      { id: `structure-${s.id}`, 'data-structure': s.id },
      h('td', {}, `#${s.id}`),
      h('td', {}, formula(s.chemical_formula_descriptive || s.chemical_formula_reduced)),
      h('td', {}, s.space_group_number ? `${s.space_group_symbol} (${s.space_group_number})` : ''),
      h('td', {}, s.pearson_symbol),
      h('td', { class: 'num' }, l ? `${fmt(l.a)}, ${fmt(l.b)}, ${fmt(l.c)}` : ''),
      h('td', { class: 'num' }, l ? `${fmt(l.alpha)}, ${fmt(l.beta)}, ${fmt(l.gamma)}` : ''),
      h('td', { class: 'num' }, fmt(s.volume)),
      h('td', {}, refCell(refs, s.reference_id)),
      h('td', { class: 'source' }, s.source_file.split('/').pop() ?? ''),
      h('td', {}, downloads(s.id), ' ', view),
    );
  });
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { id: 'structures-table' }, h('caption', {}, `${structures.length} linked structure${structures.length === 1 ? '' : 's'}`), h('thead', {}, h('tr', {}, ['Id', 'Formula (as published)', 'Space group', 'Pearson', 'a, b, c (Å)', 'α, β, γ (°)', 'Volume (Å³)', 'Reference', 'Source', 'Downloads'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, rows)),
  );
}

function propertiesTable(props: Property[], refs: Map<number, Reference>): HTMLElement {
  const rows = props.map((p) =>
    h(
      'tr',
      { 'data-property': p.id },
      h('td', {}, p.kind.replace(/_/g, ' ')),
      h('td', {}, formula(p.formula)),
      h('td', { class: 'num' }, `${p.value_as_given} ${p.unit_as_given}`),
      h('td', { class: 'num' }, `${fmt(p.value_si)} ${p.unit_si}`),
      h('td', { class: 'num' }, fmt(p.temperature_K)),
      h('td', {}, p.method),
      h('td', {}, refCell(refs, p.reference_id)),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { id: 'properties-table' }, h('caption', {}, `${props.length} propert${props.length === 1 ? 'y' : 'ies'}`), h('thead', {}, h('tr', {}, ['Property', 'Formula', 'Value (as given)', 'Value (SI)', 'T (K)', 'Method', 'Reference'].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, rows)),
  );
}

export async function renderSubstance(main: HTMLElement, id: string): Promise<void> {
  let s: Substance;
  let role = 'guest';
  try {
    [s, role] = await Promise.all([fetchSubstance(id), me().then((w) => w.role).catch(() => 'guest')]);
  } catch (e) {
    document.title = 'Substance not found · Phasebook';
    main.replaceChildren(h('h1', {}, 'Substance'), message('error', e instanceof ApiError && e.status === 404 ? `There is no substance '${id}' (or it is not visible to you).` : `The substance could not be loaded: ${e instanceof Error ? e.message : String(e)}`));
    return;
  }
  if (s.id !== id) history.replaceState(null, '', `/substances/${s.id}`);
  document.title = `${s.host_formula} · Phasebook`;
  const refs = new Map(s.references.map((r) => [r.id, r]));
  const sg = s.structures.find((x) => x.space_group_symbol)?.space_group_symbol;

  const identity = h(
    'dl',
    { class: 'identity' },
    h('dt', {}, 'Substance id'),
    h('dd', { id: 'substance-id' }, s.id),
    h('dt', {}, 'Host formula'),
    h('dd', {}, formula(s.host_formula)),
    h('dt', {}, 'Space group'),
    h('dd', {}, s.space_group_number ? `${sg ? `${sg} ` : ''}(${s.space_group_number})` : 'unknown'),
    h('dt', {}, 'Pearson symbol'),
    h('dd', {}, s.pearson_symbol || '—'),
    h('dt', {}, 'Wyckoff sequence'),
    h('dd', {}, s.wyckoff_sequence || '—'),
    h('dt', {}, 'Structure type'),
    h('dd', {}, h('code', {}, s.structure_type)),
    h('dt', {}, 'Dataset'),
    h('dd', {}, s.dataset),
  );
  const notice = sessionStorage.getItem('pb_notice');
  const noticeLink = sessionStorage.getItem('pb_notice_link');
  sessionStorage.removeItem('pb_notice');
  sessionStorage.removeItem('pb_notice_link');
  const noticeBox = notice ? message('info', notice) : null;
  if (noticeBox && noticeLink) noticeBox.append(' ', link(`/substances/${noticeLink}`, `Open ${noticeLink}`));
  const merged = noticeBox ?? (s.requested_id && s.requested_id !== s.id ? message('info', `Substance ${s.requested_id} was merged into ${s.id}.`) : null);

  // The audit trail of this substance (members and above; the server hides it from guests).
  const auditSection = section('audit', 'Audit trail', message('info', 'Loading the audit trail…'));
  if (atLeast(role, 'member')) {
    void substanceAudit(s.id)
      .then((a) => auditSection.replaceChildren(auditSection.firstChild!, a.rows.length ? auditTable(a.rows, `${a.total} change${a.total === 1 ? '' : 's'} to this substance, newest first`) : message('info', 'No editorial changes to this substance.')))
      .catch((e) => auditSection.replaceChildren(auditSection.firstChild!, message('error', `The audit trail could not be loaded: ${e instanceof Error ? e.message : String(e)}`)));
  }

  const viewer = new StructureViewer();
  const viewerSection = section('viewer', '3D structure', s.structures.some((x) => x.sites?.length) ? viewer.element : message('info', 'No linked structure has atomic positions.'));

  // One plot per property kind that has values with a temperature.
  const kinds = [...new Set(s.properties.map((p) => p.kind))];
  const plots: [string, HTMLElement][] = kinds
    .filter((k) => s.properties.some((p) => p.kind === k && p.temperature_K !== null && p.value_si !== null))
    .map((k) => [k, h('div', { class: 'plot', id: `plot-${k}`, role: 'img', 'data-kind': k })]);

  const diagramDivs = s.phase_diagrams.map((d) => h('div', { class: 'plot', id: `diagram-${d.id}`, role: 'img', 'aria-label': `Phase diagram ${d.system}` }));

  main.replaceChildren(
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, link('/search', 'Search'), ' › ', s.id),
    h('h1', { id: 'substance-title' }, formula(s.host_formula), h('span', { class: 'subtitle' }, ` ${sg ?? ''} ${s.pearson_symbol}`)),
    merged ?? '',
    h('p', { class: 'summary' }, `${s.structures.length} structures, ${s.properties.length} properties, ${s.phase_diagrams.length} phase diagrams, ${s.references.length} references.`),
    section('identity', 'Identity', identity),
    section('members', 'Why these entries are grouped', membersTable(s.members)),
    section('structures', 'Structures', s.structures.length ? structuresTable(s.structures, refs, (x) => { viewer.show(x); viewer.element.scrollIntoView({ block: 'nearest' }); }) : message('info', 'No linked structures.')),
    viewerSection,
    section('properties', 'Properties', s.properties.length ? propertiesTable(s.properties, refs) : message('info', 'No linked properties.'), ...plots.map(([, el]) => el)),
    s.phase_diagrams.length ? section('diagrams', 'Phase diagrams', ...diagramDivs) : '',
    resultsSection(s.id, s.host_formula),
    section(
      'references',
      'References',
      s.references.length ? h('ol', { class: 'references' }, s.references.map((r) => h('li', { id: `ref-${r.id}` }, ...citation(r)))) : message('info', 'No linked references.'),
    ),
    atLeast(role, 'member') ? auditSection : '',
    atLeast(role, 'editor') ? editingSection(s) : '',
    section('downloads', 'Downloads', h('p', {}, 'Everything on this page as ', h('a', { href: `/api/substances/${encodeURIComponent(s.id)}?sites=true`, download: `${s.id}.json`, id: 'download-substance-json' }, 'JSON'), '.'), s.structures.length ? h('ul', {}, s.structures.map((x) => h('li', {}, `Structure #${x.id} (${x.chemical_formula_reduced}): `, downloads(x.id)))) : ''),
  );

  const first = s.structures.find((x) => x.sites?.length);
  if (first) {
    try {
      viewer.show(first);
    } catch (e) {
      viewer.element.replaceChildren(message('error', `The 3D viewer could not start (WebGL unavailable?): ${String(e)}`));
    }
  }
  for (const [kind, el] of plots) await plotProperty(el, kind, s.properties, s.references);
  for (const [i, d] of s.phase_diagrams.entries()) await plotPhaseDiagram(diagramDivs[i], d as Parameters<typeof plotPhaseDiagram>[1]);
  main.dataset.ready = 'true';
}
