// Mined records and their review queue (docs/web.md): the property records `phasebook mine
// extract` found in stored papers (GET /api/mining/records), with the sentence they come from,
// filtered by curation state, property and material. Editors accept or reject a record
// (POST /api/mining/records/{id}/accept|reject, audited like `phasebook mine review`); members
// see a record's audit trail. Guests see records of public documents that are not restricted.
import { ApiError, atLeast, me, minedRecord, minedRecords, reviewRecord, type MinedRecord } from './api';
import { fmt, formula, h, link, message } from './dom';
import { navigate } from './router';

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
              h('thead', {}, h('tr', {}, ['Time (UTC)', 'User', 'Change', 'State', 'Note'].map((c) => h('th', { scope: 'col' }, c)))),
              h('tbody', {}, audit.map((a) => h('tr', {}, h('td', { class: 'num' }, a.time.replace('T', ' ').replace('Z', '')), h('td', {}, a.user), h('td', {}, a.action), h('td', {}, `${a.before?.state ?? ''} → ${a.after?.state ?? ''}`), h('td', {}, a.note)))),
            ),
          )
        : message('info', `Record ${r.id} has not been reviewed yet.`),
    );
  } catch (e) {
    status.replaceChildren(message('error', `The history of record ${r.id} could not be loaded: ${errorText(e)}`));
  }
}

function recordRow(r: MinedRecord, editor: boolean, member: boolean, status: HTMLElement): HTMLElement {
  const review = async (action: 'accept' | 'reject' | 'reset', button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      const updated = await reviewRecord(r.id, action);
      const last = updated.audit?.[updated.audit.length - 1];
      status.replaceChildren(message('info', `Record ${r.id} is now ${updated.state}${last ? ` (audited: ${last.action} by ${last.user} at ${last.time})` : ''}.`));
      tr.replaceWith(recordRow(updated, editor, member, status));
      status.dispatchEvent(new CustomEvent('pb-reviewed', { detail: { from: r.state, to: updated.state } }));
    } catch (e) {
      status.replaceChildren(message('error', `Record ${r.id} not changed: ${errorText(e)}`));
      button.disabled = false;
    }
  };
  const button = (action: 'accept' | 'reject' | 'reset', label: string, cls = '') => {
    const b = h('button', { type: 'button', class: `small ${cls}`, 'data-review': action, 'aria-label': `${label} record ${r.id}` }, label) as HTMLButtonElement;
    b.addEventListener('click', () => void review(action, b));
    return b;
  };
  const tr = h(
    'tr',
    { 'data-record': r.id, 'data-state': r.state },
    h('td', {}, r.id),
    h('td', {}, r.material_formula ? formula(r.material_formula) : '', r.material && r.material !== r.material_formula ? ` (${r.material})` : '', r.substance_id ? [' ', link(`/substances/${r.substance_id}`, r.substance_id)] : ''),
    h('td', {}, r.property.replace(/_/g, ' ')),
    h('td', { class: 'num' }, `${r.value} ${r.unit}`, r.value_si === null ? '' : h('div', { class: 'si' }, `${fmt(r.value_si)} ${r.unit_si}`)),
    h('td', { class: 'numbers' }, r.temperature_K === null ? '' : `T = ${fmt(r.temperature_K, 4)} K; `, conditions(r)),
    sentence(r),
    h('td', { class: 'source' }, r.doi ? h('a', { href: `https://doi.org/${r.doi}`, rel: 'noreferrer' }, r.doi) : sourceName(r)),
    h('td', { class: 'state' }, r.state, r.restricted ? ' (members only)' : '', h('div', { class: 'si' }, `confidence ${fmt(r.confidence, 2)}`), member ? h('button', { type: 'button', class: 'small secondary', 'data-history': r.id, 'aria-label': `History of record ${r.id}`, onclick: () => void showHistory(r, status) }, 'History') : ''),
    editor ? h('td', { class: 'review' }, r.state !== 'accepted' ? button('accept', 'Accept') : '', r.state !== 'rejected' ? button('reject', 'Reject', 'secondary') : '', r.state !== 'pending' ? button('reset', 'Reset', 'secondary') : '') : null,
  );
  return tr;
}

export async function renderMining(main: HTMLElement, params: URLSearchParams): Promise<void> {
  document.title = 'Mined records · Phasebook';
  const role = await me().then((w) => w.role).catch(() => 'guest');
  const editor = atLeast(role, 'editor');
  const member = atLeast(role, 'member');
  const p = new URLSearchParams();
  for (const k of ['state', 'property', 'material', 'substance_id', 'document_id', 'min_confidence', 'limit', 'offset']) if (params.get(k)) p.set(k, params.get(k)!);
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
  const form = h(
    'form',
    { class: 'actions', id: 'mining-filter', 'aria-label': 'Filter mined records' },
    h('div', { class: 'field' }, h('label', { for: 'mining-property' }, 'Property'), h('input', { id: 'mining-property', name: 'property', value: p.get('property') ?? '', placeholder: 'e.g. ionic_conductivity' })),
    h('div', { class: 'field' }, h('label', { for: 'mining-material' }, 'Material or formula'), h('input', { id: 'mining-material', name: 'material', value: p.get('material') ?? '', placeholder: 'e.g. LLZO or CeO2' })),
    h('div', { class: 'field' }, h('label', { class: 'visually-hidden', for: 'mining-apply' }, 'Apply'), h('button', { type: 'submit', id: 'mining-apply' }, 'Show')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = (id: string) => (form.querySelector(`#${id}`) as HTMLInputElement).value.trim();
    navigate(url({ property: v('mining-property'), material: v('mining-material'), offset: '' }));
  });
  const status = h('div', { 'aria-live': 'polite', id: 'review-status' });
  try {
    const page = await minedRecords(p);
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
      page.states[from] = (page.states[from] ?? 1) - 1;
      page.states[to] = (page.states[to] ?? 0) + 1;
      [...STATES, ''].forEach((s, i) => {
        tabs.querySelectorAll('a')[i].textContent = `${s || 'all'} (${s ? page.states[s] ?? 0 : all})`;
      });
    });
    for (const a of tabs.querySelectorAll('a')) if (new URL(a.href).searchParams.get('state') === state) a.setAttribute('aria-current', 'page');
    const cols = ['#', 'Material', 'Property', 'Value (as given, SI)', 'Conditions', 'Sentence', 'Source', 'State'];
    if (editor) cols.push('Review');
    main.replaceChildren(
      h('h1', {}, 'Mined records'),
      h('p', { class: 'summary' }, 'Property values found in stored papers by ', h('code', {}, 'phasebook mine extract'), editor ? '. Accepted records become properties with ' : '.', editor ? h('code', {}, 'phasebook mine publish') : '', editor ? '.' : ''),
      form,
      tabs,
      h('p', { class: 'summary', id: 'mining-count', 'data-total': page.total }, `${page.total} ${state || ''} record${page.total === 1 ? '' : 's'}.`),
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
              h('tbody', {}, page.rows.map((r) => recordRow(r, editor, member, status))),
            ),
          )
        : message('info', 'No records match.'),
      h('nav', { class: 'pager', 'aria-label': 'Record pages' }, page.offset > 0 ? link(url({ offset: String(Math.max(0, page.offset - limit)) }), '← Previous') : '', page.offset + page.rows.length < page.total ? link(url({ offset: String(page.offset + limit) }), 'Next →') : ''),
    );
  } catch (e) {
    main.replaceChildren(h('h1', {}, 'Mined records'), form, message('error', errorText(e)));
  }
  main.dataset.ready = 'true';
}
