// Phasebook web UI: search and substance pages over the native API (docs/web.md).
import './style.css';
import { renderAccount } from './account';
import { atLeast, me } from './api';
import { h, message } from './dom';
import { fallback, navigate, render, route, startRouter } from './router';
import { renderSearch } from './search';

route(/^\/(?:search)?\/?$/, (main, _m, params) => {
  document.title = 'Search · Phasebook';
  renderSearch(main, params);
});
route(/^\/substances\/([^/]+)\/?$/, async (main, m) => {
  main.replaceChildren(message('info', 'Loading the substance…'));
  const { renderSubstance } = await import('./substance');
  await renderSubstance(main, decodeURIComponent(m[1]));
});
route(/^\/upload\/?$/, async (main) => {
  const { renderUpload } = await import('./upload');
  await renderUpload(main);
});
route(/^\/audit\/?$/, async (main, _m, params) => {
  const { renderAudit } = await import('./audit');
  await renderAudit(main, params);
});
route(/^\/calculations\/?$/, async (main, _m, params) => {
  const { renderCalculations } = await import('./calculations');
  await renderCalculations(main, params);
});
route(/^\/calculations\/([^/]+)\/?$/, async (main, m) => {
  main.replaceChildren(message('info', 'Loading the calculation…'));
  const { renderCalculation } = await import('./calculations');
  await renderCalculation(main, decodeURIComponent(m[1]));
});
route(/^\/mining\/?$/, async (main, _m, params) => {
  const { renderMining } = await import('./mining');
  await renderMining(main, params);
});
route(/^\/models\/?$/, async (main, _m, params) => {
  const { renderModel, renderModels, renderScreen } = await import('./models');
  // Names with a dot come as ?model= or ?screen= (models.ts, modelHref).
  const model = params.get('model');
  const screen = params.get('screen');
  if (model) await renderModel(main, model);
  else if (screen) await renderScreen(main, screen, params);
  else await renderModels(main);
});
route(/^\/models\/([^/]+)\/?$/, async (main, m) => {
  main.replaceChildren(message('info', 'Loading the model…'));
  const { renderModel } = await import('./models');
  await renderModel(main, decodeURIComponent(m[1]));
});
route(/^\/screens\/([^/]+)\/?$/, async (main, m, params) => {
  const { renderScreen } = await import('./models');
  await renderScreen(main, decodeURIComponent(m[1]), params);
});
fallback((main) => {
  document.title = 'Not found · Phasebook';
  main.replaceChildren(h('h1', {}, 'Page not found'), h('p', {}, 'There is no page at ', h('code', {}, location.pathname), '. '), h('button', { type: 'button', onclick: () => navigate('/search') }, 'Go to search'));
});

// The main navigation: one line per page with the role it needs. Pages of the other subsystems
// join here with one line each once the native API serves their data (docs/web.md,
// "Navigation").
const NAV: { href: string; label: string; role: string; app: boolean }[] = [
  { href: '/search', label: 'Search', role: 'guest', app: true },
  { href: '/calculations', label: 'Calculations', role: 'guest', app: true },
  { href: '/mining', label: 'Mined records', role: 'guest', app: true },
  { href: '/models', label: 'Models', role: 'guest', app: true },
  { href: '/upload', label: 'Upload', role: 'editor', app: true },
  { href: '/audit', label: 'Audit trail', role: 'member', app: true },
  { href: '/api/openapi.json', label: 'API', role: 'guest', app: false },
  { href: '/optimade/v1/info', label: 'OPTIMADE', role: 'guest', app: false },
];

async function renderNav(): Promise<void> {
  const role = await me().then((w) => w.role).catch(() => 'guest');
  const list = document.getElementById('nav-list')!;
  list.replaceChildren(
    ...NAV.filter((n) => atLeast(role, n.role)).map((n) => {
      const current = n.app && (location.pathname === n.href || (n.href === '/search' && location.pathname === '/'));
      return h('li', {}, h('a', { href: n.href, 'data-link': n.app, 'aria-current': current ? 'page' : null }, n.label));
    }),
  );
}

// Signing in or out changes what the pages may show (restricted datasets): render again.
window.addEventListener('pb-account', () => {
  void renderNav();
  void render();
});
window.addEventListener('popstate', () => void renderNav());
document.addEventListener('pb-navigate', () => void renderNav());
void renderNav();
void renderAccount(document.getElementById('account')!);
startRouter();
