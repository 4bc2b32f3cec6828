// The 3D structure viewer (3Dmol.js, bundled): atoms of the unit cell or a supercell, bonds by
// distance, the cell edges; mouse to rotate and zoom, buttons for the keyboard.
import * as $3Dmol from '3dmol';
import type { StructureRecord } from './api';
import { h } from './dom';

type Vec = [number, number, number];

// 3Dmol's types describe more than we use; the viewer is driven through this small surface.
interface Viewer {
  addModel(data: string, format: string): { setStyle(sel: object, style: object): void };
  addCylinder(spec: object): void;
  setStyle(sel: object, style: object): void;
  removeAllModels(): void;
  removeAllShapes(): void;
  zoomTo(): void;
  zoom(factor: number): void;
  rotate(angle: number, axis: string): void;
  render(): void;
  resize(): void;
}

const STYLES: Record<string, object> = {
  'ball-and-stick': { sphere: { scale: 0.28, colorscheme: 'Jmol' }, stick: { radius: 0.12, colorscheme: 'Jmol' } },
  spacefill: { sphere: { scale: 0.9, colorscheme: 'Jmol' } },
  sticks: { stick: { radius: 0.15, colorscheme: 'Jmol' } },
};

function cartesian(frac: Vec, m: number[][]): Vec {
  return [0, 1, 2].map((k) => frac[0] * m[0][k] + frac[1] * m[1][k] + frac[2] * m[2][k]) as Vec;
}

/// The structure as XYZ text: each site as its majority species, repeated n times per axis.
export function toXyz(s: StructureRecord, n: Vec): string {
  const lines: string[] = [];
  for (let i = 0; i < n[0]; i++)
    for (let j = 0; j < n[1]; j++)
      for (let k = 0; k < n[2]; k++)
        for (const site of s.sites ?? []) {
          const main = [...site.species].sort((a, b) => b.occupancy - a.occupancy)[0];
          if (!main) continue;
          const p = cartesian([site.frac[0] + i, site.frac[1] + j, site.frac[2] + k], s.lattice_vectors);
          lines.push(`${main.element} ${p[0].toFixed(5)} ${p[1].toFixed(5)} ${p[2].toFixed(5)}`);
        }
  return `${lines.length}\n${s.chemical_formula_reduced}\n${lines.join('\n')}\n`;
}

export class StructureViewer {
  readonly element: HTMLElement;
  private readonly canvasBox: HTMLDivElement;
  private viewer: Viewer | null = null;
  private structure: StructureRecord | null = null;
  private supercell: Vec = [1, 1, 1];
  private style = 'ball-and-stick';
  private bonds = true;
  private readonly caption = h('p', { class: 'viewer-caption', 'aria-live': 'polite' });

  constructor() {
    this.canvasBox = h('div', { class: 'viewer', id: 'structure-viewer', role: 'img', 'aria-label': '3D view of the crystal structure' });
    const size = h('select', { id: 'viewer-supercell' }, ['1×1×1', '2×2×2', '3×3×3', '2×2×1', '1×1×2'].map((t) => h('option', { value: t }, t)));
    size.addEventListener('change', () => {
      this.supercell = size.value.split('×').map(Number) as Vec;
      this.draw();
    });
    const style = h('select', { id: 'viewer-style' }, Object.keys(STYLES).map((t) => h('option', { value: t }, t)));
    style.addEventListener('change', () => {
      this.style = style.value;
      this.draw();
    });
    const bonds = h('input', { type: 'checkbox', id: 'viewer-bonds', checked: true });
    bonds.addEventListener('change', () => {
      this.bonds = bonds.checked;
      this.draw();
    });
    const act = (label: string, f: (v: Viewer) => void) =>
      h('button', { type: 'button', class: 'secondary small', onclick: () => this.viewer && (f(this.viewer), this.viewer.render()) }, label);
    this.element = h(
      'div',
      { class: 'viewer-panel' },
      this.canvasBox,
      h(
        'div',
        { class: 'viewer-controls', role: 'group', 'aria-label': 'Structure view controls' },
        h('label', { for: 'viewer-supercell' }, 'Cells '),
        size,
        h('label', { for: 'viewer-style' }, ' Style '),
        style,
        h('label', { for: 'viewer-bonds' }, bonds, ' Bonds '),
        act('⟲ Rotate', (v) => v.rotate(15, 'y')),
        act('⟳ Rotate', (v) => v.rotate(-15, 'y')),
        act('↻ Tilt', (v) => v.rotate(15, 'x')),
        act('+ Zoom', (v) => v.zoom(1.2)),
        act('− Zoom', (v) => v.zoom(1 / 1.2)),
        act('Reset', (v) => v.zoomTo()),
      ),
      this.caption,
    );
  }

  show(s: StructureRecord): void {
    this.structure = s;
    this.draw();
  }

  private draw(): void {
    const s = this.structure;
    if (!s || !s.lattice_vectors || !s.sites) return;
    if (!this.viewer) {
      this.viewer = ($3Dmol as unknown as { createViewer(el: HTMLElement, cfg: object): Viewer }).createViewer(this.canvasBox, {
        backgroundColor: 'white',
        antialias: true,
      });
    }
    const v = this.viewer;
    v.removeAllModels();
    v.removeAllShapes();
    const model = v.addModel(toXyz(s, this.supercell), 'xyz');
    // Bonds are drawn between atoms closer than their covalent radii allow; without them, the
    // ball-and-stick view is balls only.
    const { stick, ...rest } = STYLES[this.style] as { stick?: object };
    model.setStyle({}, this.bonds || !Object.keys(rest).length ? { ...rest, stick } : rest);
    this.drawCell(v, s.lattice_vectors);
    v.zoomTo();
    v.render();
    this.canvasBox.dataset.structure = String(s.id);
    this.canvasBox.dataset.atoms = String((s.sites?.length ?? 0) * this.supercell[0] * this.supercell[1] * this.supercell[2]);
    this.caption.textContent = `Structure #${s.id}, ${s.chemical_formula_reduced}, ${this.supercell.join('×')} cell${this.supercell.some((x) => x > 1) ? 's' : ''}; partially occupied sites show their majority species. Drag to rotate, scroll to zoom.`;
  }

  private drawCell(v: Viewer, m: number[][]): void {
    const [nx, ny, nz] = this.supercell;
    const corner = (i: number, j: number, k: number) => {
      const p = cartesian([i * nx, j * ny, k * nz], m);
      return { x: p[0], y: p[1], z: p[2] };
    };
    const edges: [number[], number[]][] = [];
    for (const a of [0, 1])
      for (const b of [0, 1]) {
        edges.push([[0, a, b], [1, a, b]], [[a, 0, b], [a, 1, b]], [[a, b, 0], [a, b, 1]]);
      }
    for (const [p, q] of edges) {
      v.addCylinder({ start: corner(p[0], p[1], p[2]), end: corner(q[0], q[1], q[2]), radius: 0.04, color: '#333333', fromCap: 1, toCap: 1 });
    }
  }
}
