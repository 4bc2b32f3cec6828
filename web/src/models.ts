// Saved ML models and screening results (docs/web.md): the models `phasebook serve --models DIR`
// publishes (GET /api/models), one model with its parity plot, importance and ablation
// (GET /api/models/{name}), and one `learn screen` result with its overlap and candidates
// (GET /api/screens/{name}). Members-only models and the screens that use them are left out for
// guests by the server.
import './models.css';
import { ApiError, getJson } from './api';
import { fmt, formula, h, link, message } from './dom';
import type { Bar, ParityPoint, Spread } from './modelplot';

interface ModelSummary {
  name: string;
  kind: string;
  target: string;
  log10_target: boolean;
  formula: string;
  formula_b: string;
  formula_b_value: string;
  descriptor_version: string;
  preset: string;
  features: number;
  rows: number;
  data_sha256: string;
  cv: { r2: Spread; rmse: Spread; mae: Spread; grouped: boolean; folds: number; repeats: number } | null;
  trained_at: string;
  members_only: boolean;
  has_cv_predictions: boolean;
  has_importance: boolean;
}

interface ScreenSummary {
  name: string;
  file: string;
  models: string[];
  rows: number;
  by_agree: { n_agree: number; count: number }[];
  written_at: string;
}

interface ModelList {
  published: boolean;
  models: ModelSummary[];
  screens: ScreenSummary[];
}

interface Importance {
  baseline_r2?: number;
  permutation?: { name: string; mean: number; sd: number }[];
  tree?: { name: string; mean_abs_shap: number; gain: number }[];
  ablation?: { label: string; features: number; r2: number; r2_sd: number; rmse: number }[];
}

interface ModelDetail {
  model: ModelSummary;
  params: Record<string, number>;
  fitted: Record<string, number>;
  missing: { fallback?: string; rules?: unknown[] };
  features: string[];
  cv: { folds?: { repeat: number; fold: number; n_train: number; n_test: number; r2: number; rmse: number; mae: number }[] };
  cv_predictions: ParityPoint[] | null;
  importance: Importance | null;
  screens: string[];
}

interface ScreenDetail extends ScreenSummary {
  overlap: { kept_by: string; models: number; count: number }[];
  columns: string[];
  total: number;
  offset: number;
  limit: number;
  page: string[][];
  sort: string;
}

// Page URLs. A path whose last part has a dot is a file to the server (docs/web.md, "Serving"),
// so a name with a dot goes into the query string instead (/models?model=gbt.v2).
export function modelHref(name: string): string {
  return name.includes('.') ? `/models?model=${encodeURIComponent(name)}` : `/models/${encodeURIComponent(name)}`;
}

export function screenHref(name: string, params?: URLSearchParams): string {
  const q = new URLSearchParams(params);
  if (name.includes('.')) {
    q.set('screen', name);
    return `/models?${q}`;
  }
  const rest = q.toString();
  return `/screens/${encodeURIComponent(name)}${rest ? `?${rest}` : ''}`;
}

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

function spread(s: Spread | undefined, digits = 3): string {
  return s ? `${fmt(s.mean, digits)} ± ${fmt(s.sd, 2)}` : '';
}

function scheme(m: ModelSummary): string {
  if (!m.cv) return 'no CV stored (fit without --cv)';
  return `${m.cv.grouped ? 'grouped ' : ''}${m.cv.folds}-fold CV${m.cv.repeats > 1 ? ` × ${m.cv.repeats}` : ''}`;
}

function targetText(m: ModelSummary): string {
  return m.log10_target ? `log10 ${m.target}` : m.target;
}

function utc(t: string): string {
  return t.replace('T', ' ').replace('Z', '');
}

function membersBadge(on: boolean): HTMLElement | string {
  return on ? h('span', { class: 'badge', title: 'Trained on members-only data: shown to signed-in members only' }, 'members only') : '';
}

function modelTable(models: ModelSummary[]): HTMLElement {
  const cols = ['Model', 'Kind', 'Target', 'Descriptors', 'Rows', 'CV R²', 'CV RMSE', 'CV MAE', 'Validation', 'Trained (UTC)', 'Training data (SHA-256)'];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'models-table' },
      h('caption', {}, 'Saved models with their cross-validated figures (mean ± standard deviation over folds)'),
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        models.map((m) =>
          h(
            'tr',
            { 'data-model': m.name },
            h('td', {}, link(modelHref(m.name), m.name), ' ', membersBadge(m.members_only)),
            h('td', {}, m.kind),
            h('td', {}, targetText(m)),
            h('td', {}, `${m.descriptor_version}, ${m.preset}, ${m.features} features`),
            h('td', { class: 'num' }, m.rows),
            h('td', { class: 'num' }, spread(m.cv?.r2)),
            h('td', { class: 'num' }, spread(m.cv?.rmse)),
            h('td', { class: 'num' }, spread(m.cv?.mae)),
            h('td', {}, scheme(m)),
            h('td', { class: 'num' }, utc(m.trained_at)),
            h('td', { class: 'num', title: m.data_sha256 }, h('code', {}, m.data_sha256.slice(0, 12)), '…'),
          ),
        ),
      ),
    ),
  );
}

function screenTable(screens: ScreenSummary[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'screens-table' },
      h('caption', {}, 'Screening results of `phasebook learn screen`: the candidates kept, by the number of models that agree'),
      h('thead', {}, h('tr', {}, ['Screen', 'Models', 'Candidates written', 'Kept by', 'Written (UTC)'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        screens.map((s) =>
          h(
            'tr',
            { 'data-screen': s.name },
            h('td', {}, link(screenHref(s.name), s.name)),
            h('td', {}, s.models.map((m, i) => [i ? ', ' : '', link(modelHref(m), m)]).flat()),
            h('td', { class: 'num' }, s.rows),
            h('td', {}, s.by_agree.map((a) => `${a.count} by ${a.n_agree}`).join(', ')),
            h('td', { class: 'num' }, utc(s.written_at)),
          ),
        ),
      ),
    ),
  );
}

export async function renderModels(main: HTMLElement): Promise<void> {
  document.title = 'Models · Phasebook';
  try {
    const list = await getJson<ModelList>('/api/models');
    if (!list.published) {
      main.replaceChildren(h('h1', {}, 'Models'), message('info', 'This server publishes no models. Start it with `phasebook serve --models DIR`, DIR holding the model directories of `phasebook learn fit` (docs/ml.md).'));
    } else {
      main.replaceChildren(
        h('h1', {}, 'Models'),
        h('p', { class: 'summary', id: 'models-count' }, `${list.models.length} model${list.models.length === 1 ? '' : 's'}, ${list.screens.length} screening result${list.screens.length === 1 ? '' : 's'}. Trained with `, h('code', {}, 'phasebook learn fit --cv'), ' (docs/ml.md).'),
        h('section', { 'aria-labelledby': 'models-h' }, h('h2', { id: 'models-h' }, 'Saved models'), list.models.length ? modelTable(list.models) : message('info', 'No models to show.')),
        h('section', { 'aria-labelledby': 'screens-h' }, h('h2', { id: 'screens-h' }, 'Screening results'), list.screens.length ? screenTable(list.screens) : message('info', 'No screening results to show.')),
      );
    }
  } catch (e) {
    main.replaceChildren(h('h1', {}, 'Models'), message('error', errorText(e)));
  }
  main.dataset.ready = 'true';
}

function row(label: string, ...value: (Node | string)[]): Node[] {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}

function missingText(d: ModelDetail): string {
  const rules = (d.missing.rules ?? []) as { pattern?: string; action?: string }[];
  const list = rules.map((r) => (r.pattern && r.action ? `${r.pattern} → ${r.action}` : JSON.stringify(r)));
  return [...list, `others: ${d.missing.fallback ?? 'median'}`].join('; ');
}

function facts(d: ModelDetail): HTMLElement {
  const m = d.model;
  const material = [m.formula, m.formula_b || m.formula_b_value].filter(Boolean).join(' | ');
  const params = Object.entries(d.params).map(([k, v]) => `${k} ${fmt(v, 6)}`).join(', ');
  const fitted = Object.entries(d.fitted).filter(([k]) => !k.startsWith('length_scale_') || Object.keys(d.fitted).length < 12);
  return h(
    'dl',
    { class: 'identity', id: 'model-facts' },
    ...row('Kind', m.kind, params ? ` (${params})` : ''),
    ...row('Target', targetText(m), material ? ` from ${material}` : ''),
    ...row('Descriptors', `${m.descriptor_version}, preset ${m.preset}, ${m.features} features`),
    ...row('Training data', `${m.rows} rows, SHA-256 `, h('code', {}, m.data_sha256)),
    ...row('Cross-validation', m.cv ? `${scheme(m)}: R² ${spread(m.cv.r2)}, RMSE ${spread(m.cv.rmse)}, MAE ${spread(m.cv.mae)}` : scheme(m)),
    ...row('Missing values', missingText(d)),
    ...(fitted.length ? row('Fitted', fitted.map(([k, v]) => `${k} = ${fmt(v, 5)}`).join(', ')) : []),
    ...row('Trained', `${utc(m.trained_at)} UTC`),
    ...(m.members_only ? row('Access', 'members only (trained on members-only data)') : []),
  );
}

function foldTable(d: ModelDetail): HTMLElement | string {
  const folds = d.cv.folds ?? [];
  if (!folds.length) return '';
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'folds-table' },
      h('caption', {}, 'Per fold'),
      h('thead', {}, h('tr', {}, ['Repeat', 'Fold', 'Train rows', 'Test rows', 'R²', 'RMSE', 'MAE'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, folds.map((f) => h('tr', {}, h('td', {}, f.repeat + 1), h('td', {}, f.fold + 1), h('td', { class: 'num' }, f.n_train), h('td', { class: 'num' }, f.n_test), h('td', { class: 'num' }, fmt(f.r2, 4)), h('td', { class: 'num' }, fmt(f.rmse, 4)), h('td', { class: 'num' }, fmt(f.mae, 4))))),
    ),
  );
}

type ImportanceKind = 'permutation' | 'shap' | 'gain';

function importanceBars(imp: Importance, kind: ImportanceKind): Bar[] {
  if (kind === 'permutation') return (imp.permutation ?? []).map((r) => ({ label: r.name, value: r.mean, sd: r.sd }));
  const tree = [...(imp.tree ?? [])];
  if (kind === 'gain') tree.sort((a, b) => b.gain - a.gain);
  return tree.map((r) => ({ label: r.name, value: kind === 'shap' ? r.mean_abs_shap : r.gain }));
}

const IMPORTANCE_AXIS: Record<ImportanceKind, string> = {
  permutation: 'drop of held-out R² when permuted',
  shap: 'mean |SHAP|',
  gain: 'total gain',
};

export async function renderModel(main: HTMLElement, name: string): Promise<void> {
  document.title = `Model ${name} · Phasebook`;
  let d: ModelDetail;
  try {
    d = await getJson<ModelDetail>(`/api/models/${encodeURIComponent(name)}`);
  } catch (e) {
    main.replaceChildren(h('h1', {}, `Model ${name}`), message('error', errorText(e)), h('p', {}, link('/models', 'All models')));
    main.dataset.ready = 'true';
    return;
  }
  const m = d.model;
  const parityDiv = h('div', { id: 'parity-plot', class: 'plot', role: 'img' });
  const importanceDiv = h('div', { id: 'importance-plot', class: 'plot', role: 'img' });
  const ablationDiv = h('div', { id: 'ablation-plot', class: 'plot', role: 'img' });
  const imp = d.importance;
  const kinds: ImportanceKind[] = imp ? (['permutation', 'shap', 'gain'] as ImportanceKind[]).filter((k) => (k === 'permutation' ? imp.permutation?.length : imp.tree?.length)) : [];
  const kindSelect = h('select', { id: 'importance-kind' }, kinds.map((k) => h('option', { value: k }, k === 'permutation' ? 'permutation (held-out folds)' : k === 'shap' ? 'mean |SHAP| (trees)' : 'gain (trees)')));
  main.replaceChildren(
    h('h1', {}, `Model ${m.name} `, membersBadge(m.members_only)),
    h('p', {}, link('/models', '← All models'), ' · ', h('a', { href: `/api/models/${encodeURIComponent(m.name)}`, download: `model-${m.name}.json`, id: 'model-json' }, 'JSON')),
    h('section', { 'aria-labelledby': 'model-facts-h' }, h('h2', { id: 'model-facts-h' }, 'Model'), facts(d)),
    h(
      'section',
      { 'aria-labelledby': 'parity-h' },
      h('h2', { id: 'parity-h' }, 'Parity (out-of-fold predictions)'),
      d.cv_predictions?.length ? [h('p', { class: 'summary' }, 'Each row predicted by the model of the fold that left it out; colours are folds.'), parityDiv, foldTable(d)] : message('info', 'No out-of-fold predictions stored: fit with `phasebook learn fit --cv`.'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'importance-h' },
      h('h2', { id: 'importance-h' }, 'Descriptor importance'),
      kinds.length
        ? [
            h('div', { class: 'actions' }, h('div', { class: 'field' }, h('label', { for: 'importance-kind' }, 'Measure'), kindSelect)),
            imp?.baseline_r2 !== undefined ? h('p', { class: 'summary' }, `Held-out R² before permuting: ${fmt(imp.baseline_r2, 4)}.`) : '',
            importanceDiv,
          ]
        : message('info', 'No importance stored: write `phasebook learn importance … --top 0 --json` into MODEL/importance.json (docs/ml.md).'),
    ),
    imp?.ablation?.length ? h('section', { 'aria-labelledby': 'ablation-h' }, h('h2', { id: 'ablation-h' }, 'Ablation by descriptor group'), h('p', { class: 'summary' }, 'Cross-validated R² without each descriptor group and with each group alone.'), ablationDiv) : '',
    d.screens.length ? h('section', { 'aria-labelledby': 'model-screens-h' }, h('h2', { id: 'model-screens-h' }, 'Screening results with this model'), h('ul', { id: 'model-screens' }, d.screens.map((s) => h('li', {}, link(screenHref(s), s))))) : '',
  );
  const { plotBars, plotParity } = await import('./modelplot');
  if (d.cv_predictions?.length) {
    await plotParity(parityDiv, d.cv_predictions, { axis: targetText(m), r2: m.cv?.r2, mae: m.cv?.mae, scheme: scheme(m), title: `${m.name}: predicted against measured` });
  }
  if (imp && kinds.length) {
    const draw = (k: ImportanceKind) => plotBars(importanceDiv, importanceBars(imp, k), { title: `${m.name}: ${IMPORTANCE_AXIS[k]}`, axis: IMPORTANCE_AXIS[k], what: 'Descriptor importance' });
    kindSelect.addEventListener('change', () => void draw(kindSelect.value as ImportanceKind));
    await draw(kinds[0]);
  }
  if (imp?.ablation?.length) {
    await plotBars(
      ablationDiv,
      imp.ablation.map((a) => ({ label: `${a.label} (${a.features})`, value: a.r2, sd: a.r2_sd })),
      { title: `${m.name}: ablation`, axis: 'cross-validated R²', what: 'Ablation by descriptor group' },
    );
  }
  main.dataset.ready = 'true';
}

// A column header that sorts by it: descending first (the best predictions on top when higher is
// better), ascending on the next click; the current order is announced with aria-sort.
function sortHeader(s: ScreenDetail, column: string, params: URLSearchParams): HTMLElement {
  const current = s.sort === column ? 'ascending' : s.sort === `${column}:desc` ? 'descending' : null;
  const q = new URLSearchParams(params);
  q.set('sort', current === 'descending' ? column : `${column}:desc`);
  q.delete('offset');
  const arrow = current === 'descending' ? ' ▼' : current === 'ascending' ? ' ▲' : '';
  return h('th', { scope: 'col', 'aria-sort': current ?? 'none' }, link(screenHref(s.name, q), column, arrow));
}

function screenRows(s: ScreenDetail, params: URLSearchParams): HTMLElement {
  const models = new Set(s.models);
  const sortable = (c: string) => models.has(c) || c.endsWith('_std') || c === 'n_agree';
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'screen-table' },
      h('caption', {}, `Candidates ${s.sort ? `sorted by ${s.sort.replace(':desc', ', descending')}` : 'in the order written'} (${s.total} in all); model columns hold each model's prediction; click a model column to sort`),
      h('thead', {}, h('tr', {}, s.columns.map((c) => (sortable(c) ? sortHeader(s, c, params) : h('th', { scope: 'col' }, c))))),
      h(
        'tbody',
        {},
        s.page.map((r) =>
          h(
            'tr',
            {},
            r.map((v, i) => {
              const c = s.columns[i];
              const numeric = models.has(c) || c.endsWith('_std');
              return h('td', { class: numeric || c === 'n_agree' ? 'num' : null }, numeric && v !== '' ? fmt(Number(v), 4) : /formula|composition|material/i.test(c) ? formula(v) : v);
            }),
          ),
        ),
      ),
    ),
  );
}

export async function renderScreen(main: HTMLElement, name: string, params: URLSearchParams): Promise<void> {
  document.title = `Screen ${name} · Phasebook`;
  const p = new URLSearchParams();
  for (const k of ['kept_by', 'sort', 'offset', 'limit']) if (params.get(k)) p.set(k, params.get(k)!);
  if (!p.get('limit')) p.set('limit', '50');
  let s: ScreenDetail;
  try {
    s = await getJson<ScreenDetail>(`/api/screens/${encodeURIComponent(name)}?${p}`);
  } catch (e) {
    main.replaceChildren(h('h1', {}, `Screen ${name}`), message('error', errorText(e)), h('p', {}, link('/models', 'All models')));
    main.dataset.ready = 'true';
    return;
  }
  const overlapDiv = h('div', { id: 'overlap-plot', class: 'plot', role: 'img' });
  const keptSelect = h('select', { id: 'screen-kept-by', name: 'kept_by' }, h('option', { value: '' }, 'any'), s.overlap.map((o) => h('option', { value: o.kept_by, selected: o.kept_by === (p.get('kept_by') ?? '') }, `${o.kept_by} (${o.count})`)));
  const limit = Number(p.get('limit'));
  const more = (o: number) => {
    const q = new URLSearchParams(p);
    q.set('offset', String(o));
    return screenHref(name, q);
  };
  main.replaceChildren(
    h('h1', {}, `Screen ${s.name}`),
    h('p', {}, link('/models', '← All models'), ' · models: ', s.models.map((m, i) => [i ? ', ' : '', link(modelHref(m), m)]).flat()),
    h('p', { class: 'summary', id: 'screen-summary' }, `${s.rows} candidates written by `, h('code', {}, 'phasebook learn screen'), ` (${s.by_agree.map((a) => `${a.count} kept by ${a.n_agree} model${a.n_agree === 1 ? '' : 's'}`).join(', ')}); written ${utc(s.written_at)} UTC.`),
    h('section', { 'aria-labelledby': 'overlap-h' }, h('h2', { id: 'overlap-h' }, 'Overlap of the models'), overlapDiv),
    h(
      'section',
      { 'aria-labelledby': 'candidates-h' },
      h('h2', { id: 'candidates-h' }, 'Candidates'),
      h('form', { class: 'actions', id: 'screen-filter', method: 'get', action: name.includes('.') ? '/models' : `/screens/${encodeURIComponent(name)}`, 'aria-label': 'Filter candidates' }, name.includes('.') ? h('input', { type: 'hidden', name: 'screen', value: name }) : '', p.get('sort') ? h('input', { type: 'hidden', name: 'sort', value: p.get('sort')! }) : '', h('div', { class: 'field' }, h('label', { for: 'screen-kept-by' }, 'Kept by'), keptSelect), h('div', { class: 'field' }, h('label', { class: 'visually-hidden', for: 'screen-apply' }, 'Apply'), h('button', { type: 'submit', id: 'screen-apply' }, 'Show'))),
      s.page.length ? screenRows(s, p) : message('info', 'No candidates match.'),
      h('nav', { class: 'pager', 'aria-label': 'Candidate pages' }, s.offset > 0 ? link(more(Math.max(0, s.offset - limit)), '← Previous') : '', s.offset + s.page.length < s.total ? link(more(s.offset + limit), 'Next →') : ''),
    ),
  );
  const { plotBars } = await import('./modelplot');
  await plotBars(overlapDiv, s.overlap.map((o) => ({ label: o.kept_by, value: o.count })), { title: `${s.name}: candidates per set of models keeping them`, axis: 'candidates', what: 'Screening overlap' });
  main.dataset.ready = 'true';
}
