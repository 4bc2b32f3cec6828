// Mined records and their review queue (docs/web.md): the property records `phasebook mine
// extract` found in stored papers (GET /api/mining/records), with the sentence they come from,
// filtered by curation state, property, material, document and document class. Editors accept or
// reject a record (POST /api/mining/records/{id}/accept|reject), edit its fields, conditions and
// processing and link it to a substance (POST .../edit), and publish it as a property of its
// substance to the public or the members-only dataset (POST /api/mining/publish) — the functions
// `phasebook mine review` and `mine publish` use, each change audited. Members see a record's
// audit trail with what each change did. Guests see records of public documents that are not
// restricted.
import { ApiError, atLeast, getJson, me, minedRecord, minedRecords, postJson, reviewRecord, type MinedRecord } from './api';
import { fmt, formula, h, link, message } from './dom';
import { navigate } from './router';

// The fields the page reads beyond the shared MinedRecord.
type Rec = MinedRecord & { material_reduced?: string; property_id?: number | null; document_class?: string };
type Audit = NonNullable<MinedRecord['audit']>[number] & { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
type QueuePage = Awaited<ReturnType<typeof minedRecords>> & {
  documents?: { id: number; source: string; title: string; class: string; records: number }[];
  properties?: Record<string, number>;
};
interface SubstanceHit {
  id: string;
  host_formula: string;
  structure_type: string;
  space_group_number: number | null;
  members: number;
}

// Conditions and processing with a field of their own in the edit form (any other condition
// stays as it is); the names are the record's condition keys (docs/mining.md).
const CONDITIONS: [string, string, string][] = [
  ['atmosphere', 'Atmosphere', 'e.g. dry air, humidified H2'],
  ['cycle', 'Cycle', 'e.g. 100'],
  ['c_rate', 'Rate (C-rate)', 'e.g. 0.1C'],
  ['current_density', 'Current density', 'e.g. 0.5 mA cm-2'],
  ['cell', 'Cell configuration', 'e.g. Li|LLZO|Li, CR2032'],
];
const PROCESSING: [string, string, string][] = [
  ['sintering_temperature', 'Sintering temperature', 'e.g. 1200 °C or 1473 K'],
  ['sintering_time', 'Sintering time', 'e.g. 12 h'],
  ['pellet_diameter', 'Pellet diameter', 'e.g. 10 mm'],
  ['pellet_thickness', 'Pellet thickness', 'e.g. 1.2 mm'],
];

const STATES = ['pending', 'accepted', 'edited', 'rejected'];

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

function sentence(r: MinedRecord): HTMLElement {
  const parts = r.sentence_parts;
  return h('td', { class: 'sentence' }, ...(parts ? [parts[0], h('mark', {}, parts[1]), parts[2]] : [r.sentence]));
}

function sourceName(r: MinedRecord): string {
  return r.source.split('/').pop() ?? r.source;
}

function conditions(r: MinedRecord): string {
  return Object.entries(r.conditions ?? {})
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${v}`)
    .join('; ');
}

function shown(v: unknown): string {
  if (v === null || v === undefined || v === '') return '∅';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

// What one audit entry changed: the fields whose value differs before and after (conditions one
// by one), e.g. "value_as_given: 0.12 → 0.15; sintering_temperature: ∅ → 1400 °C".
function changes(a: Audit): string {
  const before = a.before ?? {};
  const after = a.after ?? {};
  const out: string[] = [];
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (k === 'state') continue;
    if (k === 'conditions') {
      const b = (before[k] ?? {}) as Record<string, unknown>;
      const c = (after[k] ?? {}) as Record<string, unknown>;
      for (const n of new Set([...Object.keys(b), ...Object.keys(c)])) if (shown(b[n]) !== shown(c[n])) out.push(`${n}: ${shown(b[n])} → ${shown(c[n])}`);
    } else if (shown(before[k]) !== shown(after[k])) {
      out.push(`${k}: ${shown(before[k])} → ${shown(after[k])}`);
    }
  }
  return out.join('; ');
}

// The audit trail of one record (members and above), shown under the table's status line.
async function showHistory(r: MinedRecord, status: HTMLElement): Promise<void> {
  try {
    const full = await minedRecord(r.id);
    const audit = full.audit ?? [];
    status.replaceChildren(
      audit.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { id: 'record-history', 'data-record': r.id },
              h('caption', {}, `Changes to record ${r.id}, oldest first`),
              h('thead', {}, h('tr', {}, ['Time (UTC)', 'User', 'Change', 'State', 'Note', 'What changed'].map((c) => h('th', { scope: 'col' }, c)))),
              h('tbody', {}, (audit as Audit[]).map((a) => h('tr', {}, h('td', { class: 'num' }, a.time.replace('T', ' ').replace('Z', '')), h('td', {}, a.user), h('td', {}, a.action), h('td', {}, `${a.before?.state ?? ''} → ${a.after?.state ?? ''}`), h('td', {}, a.note), h('td', { class: 'changes' }, changes(a))))),
            ),
          )
        : message('info', `Record ${r.id} has not been reviewed yet.`),
    );
  } catch (e) {
    status.replaceChildren(message('error', `The history of record ${r.id} could not be loaded: ${errorText(e)}`));
  }
}

function errorBox(text: string): HTMLElement {
  return message('error', text);
}

// The edit form of one record (editors), in a table row under the record: fields, conditions,
// processing and the substance link; only the fields that change are sent, all in one request
// (all or none, one audit row each). Escape or Cancel closes it and gives the focus back.
function editForm(r: Rec, done: (updated: Rec | null) => void): HTMLElement {
  const id = (name: string) => `edit-${r.id}-${name.replace(/[._]/g, '-')}`;
  const input = (name: string, label: string, value: string, attrs: Record<string, string> = {}) =>
    h('div', { class: 'field' }, h('label', { for: id(name) }, label), h('input', { id: id(name), name, value, autocomplete: 'off', ...attrs }));
  const cond = (list: [string, string, string][]) => list.map(([k, label, hint]) => input(`condition.${k}`, label, String(r.conditions?.[k] ?? ''), { placeholder: hint }));
  const problems = h('div', { 'aria-live': 'assertive', class: 'edit-problems' });
  const hits = h('div', { class: 'substance-hits', id: id('hits') });
  const form = h(
    'form',
    { class: 'record-edit', id: `edit-${r.id}`, 'aria-label': `Edit record ${r.id}`, novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, `Record ${r.id}: value and material`),
      h(
        'div',
        { class: 'edit-grid' },
        input('value', 'Value', r.value, { inputmode: 'decimal' }),
        input('unit', 'Unit', r.unit, { placeholder: 'e.g. S cm-1, mS/cm, eV' }),
        input('temperature_K', 'Measurement temperature (K)', r.temperature_K === null ? '' : String(r.temperature_K), { inputmode: 'decimal' }),
        input('property', 'Property kind', r.property, { list: 'mining-property-kinds' }),
        input('material', 'Material (as written)', r.material),
        input('material_formula', 'Formula', r.material_formula),
      ),
    ),
    h('fieldset', {}, h('legend', {}, 'Measurement conditions and cell'), h('div', { class: 'edit-grid' }, cond(CONDITIONS))),
    h('fieldset', {}, h('legend', {}, 'Processing'), h('div', { class: 'edit-grid' }, cond(PROCESSING))),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Substance link'),
      h(
        'div',
        { class: 'edit-grid' },
        input('substance_id', 'Linked substance id (empty: none; publishing links by formula)', r.substance_id ?? '', { placeholder: 'pbs-…' }),
        input('substance_q', 'Find a substance by formula or id', r.material_reduced || r.material_formula || ''),
        h('div', { class: 'field' }, h('label', { class: 'visually-hidden', for: id('find') }, 'Find substances'), h('button', { type: 'button', class: 'secondary', id: id('find') }, 'Find')),
      ),
      hits,
    ),
    problems,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: id('save') }, 'Save changes'), h('button', { type: 'button', class: 'secondary', id: id('cancel') }, 'Cancel')),
  );
  const field = (name: string) => form.querySelector<HTMLInputElement>(`#${id(name)}`)!;
  const find = async () => {
    const q = field('substance_q').value.trim();
    if (!q) return;
    hits.replaceChildren(message('info', 'Searching…'));
    try {
      const res = await getJson<{ rows: SubstanceHit[] }>(`/api/mining/substances?q=${encodeURIComponent(q)}`);
      hits.replaceChildren(
        res.rows.length
          ? h(
              'ul',
              { class: 'plain', 'aria-label': `Substances matching ${q}` },
              res.rows.map((s) =>
                h(
                  'li',
                  {},
                  h('button', { type: 'button', class: 'small', 'data-substance': s.id, onclick: () => { field('substance_id').value = s.id; field('substance_id').focus(); } }, `Link ${s.id}`),
                  ' ',
                  formula(s.host_formula),
                  `${s.space_group_number ? `, space group ${s.space_group_number}` : ''}, ${s.members} member${s.members === 1 ? '' : 's'} `,
                  link(`/substances/${encodeURIComponent(s.id)}`, 'open'),
                ),
              ),
            )
          : message('info', `No substance matches '${q}'.`),
      );
    } catch (e) {
      hits.replaceChildren(errorBox(errorText(e)));
    }
  };
  field('find').addEventListener('click', () => void find());
  field('substance_q').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void find();
    }
  });
  field('cancel').addEventListener('click', () => done(null));
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') done(null);
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    const conditions: Record<string, string | null> = {};
    const was: Record<string, string> = {
      value: r.value,
      unit: r.unit,
      temperature_K: r.temperature_K === null ? '' : String(r.temperature_K),
      property: r.property,
      material: r.material,
      material_formula: r.material_formula,
      substance_id: r.substance_id ?? '',
    };
    for (const [k, old] of Object.entries(was)) {
      const v = field(k).value.trim();
      if (v !== old) body[k] = v === '' && (k === 'temperature_K' || k === 'substance_id') ? null : v;
    }
    for (const [k] of [...CONDITIONS, ...PROCESSING]) {
      const v = field(`condition.${k}`).value.trim();
      if (v !== String(r.conditions?.[k] ?? '')) conditions[k] = v === '' ? null : v;
    }
    if (Object.keys(conditions).length) body.conditions = conditions;
    if (!Object.keys(body).length) {
      problems.replaceChildren(message('info', 'Nothing changed.'));
      return;
    }
    const save = field('save') as HTMLInputElement;
    save.disabled = true;
    try {
      done(await postJson<Rec>(`/api/mining/records/${r.id}/edit`, body));
    } catch (err) {
      problems.replaceChildren(errorBox(`Record ${r.id} not changed: ${errorText(err)}`));
      save.disabled = false;
    }
  });
  return form;
}

function recordRow(r: Rec, editor: boolean, member: boolean, status: HTMLElement, columns: number): HTMLElement {
  const replace = (updated: Rec, what: string) => {
    const last = updated.audit?.[updated.audit.length - 1];
    status.replaceChildren(message('info', `Record ${r.id} ${what}${last ? ` (audited: ${last.action} by ${last.user} at ${last.time})` : ''}.`));
    editRow?.remove();
    const fresh = recordRow(updated, editor, member, status, columns);
    tr.replaceWith(fresh);
    status.dispatchEvent(new CustomEvent('pb-reviewed', { detail: { from: r.state, to: updated.state } }));
    return fresh;
  };
  const review = async (action: 'accept' | 'reject' | 'reset', button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      // The note field above the table goes with the review into the audit (mine review --note).
      const noteField = document.querySelector<HTMLInputElement>('#review-note');
      const updated = (await reviewRecord(r.id, action, noteField?.value.trim() ?? '')) as Rec;
      if (noteField) noteField.value = '';
      replace(updated, `is now ${updated.state}`);
    } catch (e) {
      status.replaceChildren(errorBox(`Record ${r.id} not changed: ${errorText(e)}`));
      button.disabled = false;
    }
  };
  const button = (action: 'accept' | 'reject' | 'reset', label: string, cls = '') => {
    const b = h('button', { type: 'button', class: `small ${cls}`, 'data-review': action, 'aria-label': `${label} record ${r.id}` }, label) as HTMLButtonElement;
    b.addEventListener('click', () => void review(action, b));
    return b;
  };
  let editRow: HTMLElement | null = null;
  const edit = (b: HTMLButtonElement) => {
    b.setAttribute('aria-expanded', 'true');
    if (editRow) {
      editRow.querySelector('input')?.focus();
      return;
    }
    const form = editForm(r, (updated) => {
      editRow?.remove();
      editRow = null;
      if (updated) {
        const fresh = replace(updated, `is now ${updated.state}: saved`);
        fresh.querySelector<HTMLButtonElement>('button[data-edit]')?.focus();
      } else {
        b.setAttribute('aria-expanded', 'false');
        b.focus();
      }
    });
    editRow = h('tr', { class: 'edit-row', 'data-edit-row': r.id }, h('td', { colspan: columns }, form));
    tr.after(editRow);
    form.querySelector('input')?.focus();
  };
  const publish = async (select: HTMLSelectElement, b: HTMLButtonElement) => {
    b.disabled = true;
    try {
      const res = await postJson<{ published: number; unsupported: number; records: Rec[] }>('/api/mining/publish', { ids: [r.id], dataset: select.value });
      const updated = res.records[0];
      if (!res.published) {
        status.replaceChildren(errorBox(`Record ${r.id} was not published: ${updated.property.replace(/_/g, ' ')} has no place in the property vocabulary, or the record has no formula or value.`));
        b.disabled = false;
        return;
      }
      replace(updated, `is published as property ${updated.property_id} (${select.value === 'members' ? 'members only' : 'public'})${updated.substance_id ? ` of substance ${updated.substance_id}` : ''}`);
    } catch (e) {
      status.replaceChildren(errorBox(`Record ${r.id} not published: ${errorText(e)}`));
      b.disabled = false;
    }
  };
  const publishControls = () => {
    const select = h(
      'select',
      { id: `publish-${r.id}-dataset`, 'aria-label': `Dataset to publish record ${r.id} to` },
      h('option', { value: 'public', selected: !r.restricted }, 'public'),
      h('option', { value: 'members', selected: r.restricted }, 'members only'),
    ) as HTMLSelectElement;
    const b = h('button', { type: 'button', class: 'small', 'data-publish': r.id, 'aria-label': `Publish record ${r.id}` }, 'Publish') as HTMLButtonElement;
    b.addEventListener('click', () => void publish(select, b));
    return h('div', { class: 'publish' }, select, ' ', b);
  };
  const published = r.property_id !== null && r.property_id !== undefined;
  const tr = h(
    'tr',
    { 'data-record': r.id, 'data-state': r.state, 'data-published': published ? 'true' : 'false' },
    h('td', {}, r.id),
    h('td', {}, r.material_formula ? formula(r.material_formula) : '', r.material && r.material !== r.material_formula ? ` (${r.material})` : '', r.substance_id ? [' ', link(`/substances/${r.substance_id}`, r.substance_id)] : ''),
    h('td', {}, r.property.replace(/_/g, ' ')),
    h('td', { class: 'num' }, `${r.value} ${r.unit}`, r.value_si === null ? '' : h('div', { class: 'si' }, `${fmt(r.value_si)} ${r.unit_si}`)),
    h('td', { class: 'numbers' }, r.temperature_K === null ? '' : `T = ${fmt(r.temperature_K, 4)} K; `, conditions(r)),
    sentence(r),
    h('td', { class: 'source' }, r.doi ? h('a', { href: `https://doi.org/${r.doi}`, rel: 'noreferrer' }, r.doi) : sourceName(r), r.document_class ? h('div', { class: 'si' }, r.document_class.replace(/_/g, ' ')) : ''),
    h(
      'td',
      { class: 'state' },
      r.state,
      r.restricted ? ' (members only)' : '',
      published ? h('div', { class: 'si' }, `published: property ${r.property_id}`) : '',
      h('div', { class: 'si' }, `confidence ${fmt(r.confidence, 2)}`),
      member ? h('button', { type: 'button', class: 'small secondary', 'data-history': r.id, 'aria-label': `History of record ${r.id}`, onclick: () => void showHistory(r, status) }, 'History') : '',
    ),
    editor
      ? h(
          'td',
          { class: 'review' },
          r.state !== 'accepted' && !published ? button('accept', 'Accept') : '',
          r.state !== 'rejected' && !published ? button('reject', 'Reject', 'secondary') : '',
          r.state !== 'pending' && !published ? button('reset', 'Reset', 'secondary') : '',
          !published ? h('button', { type: 'button', class: 'small secondary', 'data-edit': r.id, 'aria-label': `Edit record ${r.id}`, 'aria-expanded': 'false', onclick: (e: Event) => edit(e.currentTarget as HTMLButtonElement) }, 'Edit') : '',
          !published && (r.state === 'accepted' || r.state === 'edited') ? publishControls() : '',
        )
      : null,
  );
  return tr;
}

export async function renderMining(main: HTMLElement, params: URLSearchParams): Promise<void> {
  document.title = 'Mined records · Phasebook';
  const role = await me().then((w) => w.role).catch(() => 'guest');
  const editor = atLeast(role, 'editor');
  const member = atLeast(role, 'member');
  const p = new URLSearchParams();
  for (const k of ['state', 'property', 'material', 'substance_id', 'document_id', 'class', 'min_confidence', 'limit', 'offset']) if (params.get(k)) p.set(k, params.get(k)!);
  if (!params.has('state')) p.set('state', 'pending');
  if (!p.get('limit')) p.set('limit', '50');
  const url = (changes: Record<string, string>) => {
    const q = new URLSearchParams(p);
    for (const [k, v] of Object.entries(changes)) {
      if (v === '') q.delete(k);
      else q.set(k, v);
    }
    if (!q.has('state')) q.set('state', '');
    return `/mining?${q}`;
  };
  // The filters: the choices of documents, classes and property kinds come with the page.
  const select = (name: string, label: string, options: [string, string][]) =>
    h('div', { class: 'field' }, h('label', { for: `mining-${name}` }, label), h('select', { id: `mining-${name}`, name }, options.map(([v, text]) => h('option', { value: v, selected: (p.get(name === 'document' ? 'document_id' : name) ?? '') === v }, text))));
  const filterForm = (page: QueuePage | null) => {
    const docs = page?.documents ?? [];
    const classes = [...new Set(docs.map((d) => d.class).filter((c) => c))].sort();
    const kinds = Object.entries(page?.properties ?? {});
    const form = h(
      'form',
      { class: 'actions wrap', id: 'mining-filter', 'aria-label': 'Filter mined records' },
      h('div', { class: 'field' }, h('label', { for: 'mining-property' }, 'Property'), h('input', { id: 'mining-property', name: 'property', value: p.get('property') ?? '', placeholder: 'e.g. ionic_conductivity', list: 'mining-property-kinds' })),
      h('datalist', { id: 'mining-property-kinds' }, kinds.map(([k, n]) => h('option', { value: k }, `${k.replace(/_/g, ' ')} (${n})`))),
      h('div', { class: 'field' }, h('label', { for: 'mining-material' }, 'Material or formula'), h('input', { id: 'mining-material', name: 'material', value: p.get('material') ?? '', placeholder: 'e.g. LLZO or CeO2' })),
      select('document', 'Paper', [['', 'any paper'], ...docs.map((d): [string, string] => [String(d.id), `${d.id}: ${(d.title || d.source.split('/').pop() || d.source).slice(0, 60)} (${d.records})`])]),
      select('class', 'Paper class', [['', 'any class'], ...classes.map((c): [string, string] => [c, c.replace(/_/g, ' ')])]),
      select('limit', 'Per page', ['10', '25', '50', '100'].map((n): [string, string] => [n, n])),
      h('div', { class: 'field' }, h('label', { class: 'visually-hidden', for: 'mining-apply' }, 'Apply'), h('button', { type: 'submit', id: 'mining-apply' }, 'Show')),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = (id: string) => (form.querySelector(`#${id}`) as HTMLInputElement).value.trim();
      navigate(url({ property: v('mining-property'), material: v('mining-material'), document_id: v('mining-document'), class: v('mining-class'), limit: v('mining-limit'), offset: '' }));
    });
    return form;
  };
  const status = h('div', { 'aria-live': 'polite', id: 'review-status' });
  try {
    const page = (await minedRecords(p)) as QueuePage;
    const form = filterForm(page);
    const state = p.get('state') ?? '';
    const limit = Number(p.get('limit'));
    const all = Object.values(page.states).reduce((a, b) => a + b, 0);
    const tabs = h(
      'nav',
      { class: 'pager', 'aria-label': 'Curation state', id: 'mining-states' },
      [...STATES, ''].map((s) => link(url({ state: s, offset: '' }), `${s || 'all'} (${s ? page.states[s] ?? 0 : all})`)),
    );
    // A review moves one record between states: the counts follow without a reload.
    status.addEventListener('pb-reviewed', (e) => {
      const { from, to } = (e as CustomEvent<{ from: string; to: string }>).detail;
      if (from === to) return;
      page.states[from] = (page.states[from] ?? 1) - 1;
      page.states[to] = (page.states[to] ?? 0) + 1;
      [...STATES, ''].forEach((s, i) => {
        tabs.querySelectorAll('a')[i].textContent = `${s || 'all'} (${s ? page.states[s] ?? 0 : all})`;
      });
      // The count line says how many records of this tab remain (the rows stay until a reload).
      const n = state ? page.states[state] ?? 0 : page.total;
      const count = main.querySelector('#mining-count');
      if (count) count.textContent = `${n} ${state || ''} record${n === 1 ? '' : 's'}${n !== page.total ? ` (${page.total} when the page was loaded)` : ''}.`;
    });
    for (const a of tabs.querySelectorAll('a')) if (new URL(a.href).searchParams.get('state') === state) a.setAttribute('aria-current', 'page');
    const cols = ['#', 'Material', 'Property', 'Value (as given, SI)', 'Conditions', 'Sentence', 'Source', 'State'];
    if (editor) cols.push('Review');
    main.replaceChildren(
      h('h1', {}, 'Mined records'),
      h('p', { class: 'summary' }, 'Property values found in stored papers by ', h('code', {}, 'phasebook mine extract'), editor ? '. Edit a record (value, conditions, processing, substance link), accept it, then publish it as a property of its substance, public or for members only; every change is audited.' : '.'),
      form,
      tabs,
      h('p', { class: 'summary', id: 'mining-count', 'data-total': page.total }, `${page.total} ${state || ''} record${page.total === 1 ? '' : 's'}.`),
      editor ? h('div', { class: 'field review-note' }, h('label', { for: 'review-note' }, 'Note for the next accept, reject or reset (kept in the audit trail)'), h('input', { id: 'review-note', placeholder: 'e.g. checked against table 2', autocomplete: 'off' })) : '',
      status,
      page.rows.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { id: 'mining-table' },
              h('caption', {}, `Mined records${state ? ` in state ${state}` : ''}, the value marked in its sentence`),
              h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
              h('tbody', {}, page.rows.map((r) => recordRow(r as Rec, editor, member, status, cols.length))),
            ),
          )
        : message('info', 'No records match.'),
      h('nav', { class: 'pager', 'aria-label': 'Record pages' }, page.offset > 0 ? link(url({ offset: String(Math.max(0, page.offset - limit)) }), '← Previous') : '', page.offset + page.rows.length < page.total ? link(url({ offset: String(page.offset + limit) }), 'Next →') : ''),
    );
  } catch (e) {
    main.replaceChildren(h('h1', {}, 'Mined records'), filterForm(null), message('error', errorText(e)));
  }
  main.dataset.ready = 'true';
}
