// Phasebook web UI: search and substance pages over the native API (docs/web.md).
import './style.css';
import { renderAccount } from './account';
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
fallback((main) => {
  document.title = 'Not found · Phasebook';
  main.replaceChildren(h('h1', {}, 'Page not found'), h('p', {}, 'There is no page at ', h('code', {}, location.pathname), '. '), h('button', { type: 'button', onclick: () => navigate('/search') }, 'Go to search'));
});

// Signing in or out changes what the pages may show (restricted datasets): render again.
window.addEventListener('pb-account', () => void render());
void renderAccount(document.getElementById('account')!);
startRouter();
