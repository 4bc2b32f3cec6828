// Small DOM helpers: elements built from tags, attributes and children, never from HTML
// strings, so text from the database cannot inject markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/// A number for a table: at most `digits` significant digits, exponent form for tiny/huge.
export function fmt(v: number | null | undefined, digits = 5): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(digits)));
}

/// Formula with digits as subscripts (Li7La3Zr2O12 -> Li<sub>7</sub>...), as DOM nodes.
export function formula(text: string): HTMLSpanElement {
  const span = h('span', { class: 'formula' });
  for (const part of text.split(/(\d+(?:\.\d+)?)/)) {
    if (part === '') continue;
    append(span, [/^\d/.test(part) ? h('sub', {}, part) : part]);
  }
  return span;
}

/// A link handled by the client-side router.
export function link(href: string, ...children: (Child | Child[])[]): HTMLAnchorElement {
  return h('a', { href, 'data-link': true }, ...children);
}

export function message(kind: 'error' | 'info', text: string): HTMLElement {
  return h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
