// A clickable periodic table. Each element cycles off -> included -> excluded -> off (click,
// Enter or Space); arrow keys move between elements (one tab stop for the whole table).
import { h } from './dom';

export const SYMBOLS = (
  'H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As ' +
  'Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd ' +
  'Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am ' +
  'Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og'
).split(' ');

export type ElementState = 'include' | 'exclude';

/// Row and column (1-based) of element Z; lanthanides and actinides in rows 9 and 10.
function position(z: number): [number, number] {
  if (z === 1) return [1, 1];
  if (z === 2) return [1, 18];
  if (z <= 4) return [2, z - 2];
  if (z <= 10) return [2, z + 8];
  if (z <= 12) return [3, z - 10];
  if (z <= 18) return [3, z];
  if (z <= 36) return [4, z - 18];
  if (z <= 54) return [5, z - 36];
  if (z <= 56) return [6, z - 54];
  if (z <= 71) return [9, z - 54];
  if (z <= 86) return [6, z - 68];
  if (z <= 88) return [7, z - 86];
  if (z <= 103) return [10, z - 86];
  return [7, z - 100];
}

function category(z: number): string {
  if ([1, 6, 7, 8, 15, 16, 34].includes(z)) return 'nonmetal';
  if ([2, 10, 18, 36, 54, 86, 118].includes(z)) return 'noble';
  if ([9, 17, 35, 53, 85, 117].includes(z)) return 'halogen';
  if ([3, 11, 19, 37, 55, 87].includes(z)) return 'alkali';
  if ([4, 12, 20, 38, 56, 88].includes(z)) return 'alkaline';
  if ([5, 14, 32, 33, 51, 52].includes(z)) return 'metalloid';
  if (z >= 57 && z <= 71) return 'lanthanide';
  if (z >= 89 && z <= 103) return 'actinide';
  if ([13, 31, 49, 50, 81, 82, 83, 84, 113, 114, 115, 116].includes(z)) return 'post';
  return 'transition';
}

export class PeriodicTable {
  readonly element: HTMLElement;
  private readonly state = new Map<string, ElementState>();
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private readonly cells: { sym: string; row: number; col: number }[] = [];

  constructor(private readonly onChange: () => void) {
    const grid = h('div', {
      class: 'ptable',
      role: 'group',
      'aria-label':
        'Periodic table: click an element to require it, again to exclude it, a third time to clear it. Arrow keys move.',
    });
    SYMBOLS.forEach((sym, i) => {
      const z = i + 1;
      const [row, col] = position(z);
      const b = h(
        'button',
        {
          type: 'button',
          class: `el ${category(z)}`,
          'data-el': sym,
          style: `grid-row:${row};grid-column:${col}`,
          tabindex: z === 1 ? 0 : -1,
          title: `${sym} (Z = ${z})`,
        },
        h('span', { class: 'z', 'aria-hidden': 'true' }, z),
        h('span', { class: 'sym' }, sym),
      );
      b.addEventListener('click', () => this.cycle(sym));
      b.addEventListener('keydown', (e) => this.key(e, sym));
      this.buttons.set(sym, b);
      this.cells.push({ sym, row, col });
      grid.appendChild(b);
      this.label(sym);
    });
    grid.appendChild(h('div', { class: 'gap', style: 'grid-row:8;grid-column:1' }));
    this.element = grid;
  }

  get(sym: string): ElementState | undefined {
    return this.state.get(sym);
  }

  set(sym: string, s: ElementState | undefined): void {
    if (!this.buttons.has(sym)) return;
    if (s) this.state.set(sym, s);
    else this.state.delete(sym);
    const b = this.buttons.get(sym)!;
    b.classList.toggle('include', s === 'include');
    b.classList.toggle('exclude', s === 'exclude');
    this.label(sym);
  }

  clear(): void {
    for (const sym of [...this.state.keys()]) this.set(sym, undefined);
  }

  with(s: ElementState): string[] {
    return SYMBOLS.filter((sym) => this.state.get(sym) === s);
  }

  private label(sym: string): void {
    const s = this.state.get(sym);
    const b = this.buttons.get(sym)!;
    b.setAttribute('aria-label', `${sym}${s ? (s === 'include' ? ', required' : ', excluded') : ''}`);
    b.setAttribute('aria-pressed', s === 'include' ? 'true' : s === 'exclude' ? 'mixed' : 'false');
  }

  private cycle(sym: string): void {
    const s = this.state.get(sym);
    this.set(sym, s === undefined ? 'include' : s === 'include' ? 'exclude' : undefined);
    this.onChange();
  }

  private key(e: KeyboardEvent, sym: string): void {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    const here = this.cells.find((c) => c.sym === sym)!;
    // The nearest element in the direction of the arrow (same row or column first).
    let best: { sym: string; d: number } | null = null;
    for (const c of this.cells) {
      const dr = c.row - here.row;
      const dc = c.col - here.col;
      if (m[0] !== 0 && Math.sign(dr) !== m[0]) continue;
      if (m[1] !== 0 && (Math.sign(dc) !== m[1] || dr !== 0)) continue;
      const d = m[0] !== 0 ? Math.abs(dr) * 100 + Math.abs(dc) : Math.abs(dc);
      if (!best || d < best.d) best = { sym: c.sym, d };
    }
    if (!best) return;
    const from = this.buttons.get(sym)!;
    const to = this.buttons.get(best.sym)!;
    from.tabIndex = -1;
    to.tabIndex = 0;
    to.focus();
  }
}
