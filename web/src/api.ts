// The native API of `phasebook serve` (docs/api.md): fetch wrappers and the JSON shapes the
// pages use.

export interface Lattice {
  a: number;
  b: number;
  c: number;
  alpha: number;
  beta: number;
  gamma: number;
}

export interface StructureRow {
  id: number;
  substance_id: string | null;
  reference_id: number | null;
  source_file: string;
  source_block: string;
  chemical_formula_reduced: string;
  chemical_formula_descriptive?: string;
  elements: string[];
  nelements: number;
  space_group_number: number | null;
  space_group_symbol: string;
  crystal_system: string;
  pearson_symbol: string;
  lattice: Lattice;
  volume: number | null;
}

export interface Species {
  element: string;
  occupancy: number;
  label: string;
}

export interface Site {
  frac: [number, number, number];
  species: Species[];
}

export interface StructureRecord extends StructureRow {
  wyckoff_sequence: string;
  lattice_vectors: number[][];
  density: number | null;
  temperature_K: number | null;
  nsites: number;
  sites?: Site[];
}

export interface Property {
  id: number;
  kind: string;
  substance_id: string | null;
  formula: string;
  value_si: number | null;
  min_si: number | null;
  max_si: number | null;
  uncertainty_si: number | null;
  unit_si: string;
  value_as_given: string;
  unit_as_given: string;
  temperature_K: number | null;
  method: string;
  reference_id: number | null;
}

export interface Reference {
  id: number;
  authors: string[];
  title: string;
  journal: string;
  year: number | null;
  volume: string;
  pages: string;
  doi: string;
}

export interface Member {
  entity_kind: string;
  entity_id: number;
  rule: string;
  numbers: Record<string, unknown>;
}

export interface PhaseDiagram {
  id: number;
  system: string;
  kind: string;
  [key: string]: unknown;
}

export interface Substance {
  id: string;
  requested_id: string;
  host_formula: string;
  space_group_number: number | null;
  pearson_symbol: string;
  wyckoff_sequence: string;
  structure_type: string;
  dataset: string;
  members: Member[];
  structures: StructureRecord[];
  properties: Property[];
  phase_diagrams: PhaseDiagram[];
  references: Reference[];
}

export interface Page<T> {
  total: number;
  offset: number;
  rows: T[];
}

export interface Identity {
  user: string | null;
  role: string;
}

/// An API error with the server's readable detail ("elements: unknown element 'Xx'").
export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

const CSRF_KEY = 'pb_csrf';

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin', ...init });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, `the server answered ${res.status} with a body that is not JSON`);
  }
  if (!res.ok) {
    const err = (body as { error?: { detail?: string } } | null)?.error;
    throw new ApiError(res.status, err?.detail ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const csrf = sessionStorage.getItem(CSRF_KEY);
  if (csrf) headers['X-CSRF-Token'] = csrf;
  return getJson<T>(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

export function search(params: URLSearchParams): Promise<Page<StructureRow>> {
  return getJson(`/api/search?${params}`);
}

export function substance(id: string): Promise<Substance> {
  return getJson(`/api/substances/${encodeURIComponent(id)}?sites=true`);
}

export function me(): Promise<Identity> {
  return getJson('/api/me');
}

export async function login(name: string, password: string): Promise<Identity> {
  const r = await postJson<Identity & { csrf_token: string }>('/api/login', { name, password });
  sessionStorage.setItem(CSRF_KEY, r.csrf_token);
  return r;
}

export async function logout(): Promise<void> {
  try {
    await postJson('/api/logout', {});
  } finally {
    sessionStorage.removeItem(CSRF_KEY);
  }
}

export function structureUrl(id: number, ext: '.cif' | '.poscar' | '.json' | '' = ''): string {
  return `/api/structures/${id}${ext}`;
}

/// Sends files as multipart/form-data (ingest uploads), with the CSRF header like postJson.
export async function postForm<T>(url: string, form: FormData): Promise<T> {
  const headers: Record<string, string> = {};
  const csrf = sessionStorage.getItem(CSRF_KEY);
  if (csrf) headers['X-CSRF-Token'] = csrf;
  return getJson<T>(url, { method: 'POST', headers, body: form });
}

export interface AuditEntry {
  id: number;
  time: string;
  user: string;
  action: string;
  details: Record<string, unknown>;
}

export function substanceAudit(id: string): Promise<Page<AuditEntry>> {
  return getJson(`/api/substances/${encodeURIComponent(id)}/audit?limit=200`);
}

export function auditLog(params: URLSearchParams): Promise<Page<AuditEntry>> {
  return getJson(`/api/audit?${params}`);
}

export interface IngestFile {
  file: string;
  status: 'pending' | 'ingested' | 'duplicate' | 'error' | 'skipped';
  structures?: number;
  inserted?: number;
  existing?: number;
  structure_ids?: number[];
  substance_ids?: string[];
  errors?: string[];
}

export interface IngestJob {
  job: string;
  state: 'queued' | 'running' | 'done' | 'cancelled';
  dataset: string;
  total: number;
  done: number;
  counts: Record<string, number>;
  files: IngestFile[];
}

/// Roles in increasing order of rights, as the server ranks them.
export const ROLES = ['guest', 'member', 'editor', 'admin'];

export function atLeast(role: string, wanted: string): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(wanted);
}

/// A DFT job with the numbers of its result (GET /api/calculations).
export interface CalcRow {
  id: number;
  batch: string;
  code: string;
  task: string;
  state: string;
  attempts: number;
  structure_id: number | null;
  substance_id: string | null;
  formula: string | null;
  energy_ev: number | null;
  energy_per_atom_ev: number | null;
  fermi_ev: number | null;
  band_gap_ev: number | null;
  gap_direct: boolean | null;
  metal: boolean | null;
  converged: boolean | null;
  reason: string | null;
  updated_at: string;
}

/// One job with its parsed result and plot data (GET /api/calculations/{id}).
export interface CalcDetail {
  job: { id: number; batch: string; code: string; task: string; state: string; attempts: number; max_attempts: number; runner: string; structure_id: number | null; substance_id: string | null; formula: string; parameters: Record<string, unknown>; reason: string };
  result: null | {
    converged: boolean;
    completed: boolean;
    scf_steps: number;
    natoms: number;
    energy_ev: number | null;
    energy_per_atom_ev: number | null;
    fermi_ev: number | null;
    magnetization: number | null;
    nelec: number | null;
    stress_gpa: number[] | null;
    forces_ev_a: number[][];
    gap?: { gap_ev: number; metal: boolean; direct: boolean; vbm_ev: number; cbm_ev: number };
    formation_energy_ev_per_atom: number | null;
    formation_note: string;
    inputs: Record<string, unknown> | null;
    errors: string[];
  };
  dos?: { zero_ev: number; source: string; sigma_ev: number | null; energies_ev: number[]; total: number[][] };
  bands?: { zero_ev: number; nkpoints: number; distance: number[]; labels: { index: number; label: string; distance: number }[]; eigenvalues_ev: (number | null)[][][] };
}

export function calculations(params: URLSearchParams): Promise<Page<CalcRow>> {
  return getJson(`/api/calculations?${params}`);
}

export function calculation(id: string): Promise<CalcDetail> {
  return getJson(`/api/calculations/${encodeURIComponent(id)}`);
}

export interface MinedRecord {
  id: number;
  state: string;
  restricted: boolean;
  property: string;
  material: string;
  material_formula: string;
  value: string;
  unit: string;
  value_si: number | null;
  unit_si: string;
  temperature_K: number | null;
  conditions: Record<string, string>;
  confidence: number;
  sentence: string;
  sentence_parts: [string, string, string] | null;
  document_id: number;
  source: string;
  doi: string;
  substance_id: string | null;
  audit?: { time: string; user: string; action: string; note: string; before: { state?: string } | null; after: { state?: string } | null }[];
}

export function minedRecords(params: URLSearchParams): Promise<Page<MinedRecord> & { states: Record<string, number> }> {
  return getJson(`/api/mining/records?${params}`);
}

export function minedRecord(id: number): Promise<MinedRecord> {
  return getJson(`/api/mining/records/${id}`);
}

export function reviewRecord(id: number, action: 'accept' | 'reject' | 'reset', note = ''): Promise<MinedRecord> {
  return postJson(`/api/mining/records/${id}/${action}`, note ? { note } : {});
}
