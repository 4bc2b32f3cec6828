// Client-side routes (history API). The server answers every path without a file extension
// with index.html, so these URLs survive a reload and can be bookmarked.
type Route = (main: HTMLElement, match: RegExpMatchArray, params: URLSearchParams) => void | Promise<void>;

const routes: [RegExp, Route][] = [];
let notFound: Route = () => {};

export function route(pattern: RegExp, handler: Route): void {
  routes.push([pattern, handler]);
}

export function fallback(handler: Route): void {
  notFound = handler;
}

export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  document.dispatchEvent(new Event('pb-navigate'));
  void render();
}

export async function render(): Promise<void> {
  const main = document.getElementById('main')!;
  const params = new URLSearchParams(location.search);
  delete main.dataset.ready;
  for (const [pattern, handler] of routes) {
    const m = location.pathname.match(pattern);
    if (m) {
      await handler(main, m, params);
      return;
    }
  }
  await notFound(main, [] as unknown as RegExpMatchArray, params);
}

export function startRouter(): void {
  // Links marked data-link stay in the page; modified clicks (new tab) keep browser behaviour.
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (a.origin !== location.origin) return;
    e.preventDefault();
    navigate(a.pathname + a.search);
    document.getElementById('main')?.focus({ preventScroll: true });
  });
  window.addEventListener('popstate', () => void render());
  void render();
}
