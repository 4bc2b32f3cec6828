// The audit trail: every editorial change (merge, split, added values), newest first. The
// server shows it to members and above (GET /api/audit, /api/substances/{id}/audit).
import { ApiError, atLeast, auditLog, me, type AuditEntry } from './api';
import { h, link, message } from './dom';

const SUBSTANCE_KEYS = new Set(['from', 'into', 'substance_id']);

/// The details of an entry, substance ids as links.
function details(d: Record<string, unknown>): (Node | string)[] {
  const out: (Node | string)[] = [];
  for (const [k, v] of Object.entries(d ?? {})) {
    if (out.length) out.push('; ');
    const text = Array.isArray(v) ? v.join(', ') : String(v);
    out.push(`${k.replace(/_/g, ' ')}: `, SUBSTANCE_KEYS.has(k) && typeof v === 'string' ? link(`/substances/${v}`, v) : text);
  }
  return out;
}

export function auditTable(entries: AuditEntry[], caption: string): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'audit-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ['#', 'Time (UTC)', 'User', 'Change', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, entries.map((a) => h('tr', { 'data-audit': a.id, 'data-action': a.action }, h('td', {}, a.id), h('td', { class: 'num' }, a.time.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')), h('td', {}, a.user), h('td', {}, a.action), h('td', {}, ...details(a.details))))),
    ),
  );
}

export async function renderAudit(main: HTMLElement, params: URLSearchParams): Promise<void> {
  document.title = 'Audit trail · Phasebook';
  const role = await me().then((w) => w.role).catch(() => 'guest');
  if (!atLeast(role, 'member')) {
    main.replaceChildren(h('h1', {}, 'Audit trail'), message('info', 'The audit trail is shown to signed-in members, editors and admins.'));
    main.dataset.ready = 'true';
    return;
  }
  const p = new URLSearchParams();
  for (const k of ['action', 'user', 'limit', 'offset']) if (params.get(k)) p.set(k, params.get(k)!);
  if (!p.get('limit')) p.set('limit', '100');
  try {
    const page = await auditLog(p);
    const offset = page.offset;
    const limit = Number(p.get('limit'));
    const more = (o: number) => {
      const q = new URLSearchParams(p);
      q.set('offset', String(o));
      return `/audit?${q}`;
    };
    main.replaceChildren(
      h('h1', {}, 'Audit trail'),
      h('p', { class: 'summary', id: 'audit-count', 'data-total': page.total }, `${page.total} change${page.total === 1 ? '' : 's'}${p.get('action') ? ` of kind ${p.get('action')}` : ''}, newest first.`),
      page.rows.length ? auditTable(page.rows, 'Editorial changes') : message('info', 'No changes recorded yet.'),
      h('nav', { class: 'pager', 'aria-label': 'Audit pages' }, offset > 0 ? link(more(Math.max(0, offset - limit)), '← Newer') : '', offset + page.rows.length < page.total ? link(more(offset + limit), 'Older →') : ''),
    );
  } catch (e) {
    main.replaceChildren(h('h1', {}, 'Audit trail'), message('error', e instanceof ApiError ? e.message : String(e)));
  }
  main.dataset.ready = 'true';
}
