// Editor forms on the substance page: add a property value (POST /api/properties) and merge the
// substance into another (POST /api/substances/{id}/merge) or split structures off
// (POST /api/substances/{id}/split), both audited by the server. Shown only to
// editors and admins; the server checks the role and the CSRF token again.
import { ApiError, postJson, type Substance } from './api';
import { h, message } from './dom';
import { navigate } from './router';

function field(id: string, label: string, attrs: Record<string, string | boolean> = {}): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name: id, autocomplete: 'off', ...attrs }));
}

function errorText(e: unknown): string {
  return e instanceof ApiError ? e.message : String(e);
}

export function editingSection(s: Substance): HTMLElement {
  const status = h('div', { 'aria-live': 'polite', id: 'edit-status' });

  const propForm = h(
    'form',
    { class: 'edit-form', id: 'property-form', 'aria-label': 'Add a property value' },
    h('h3', {}, 'Add a property value'),
    field('p-kind', 'Property', { required: true, value: 'ionic_conductivity', list: 'edit-property-kinds' }),
    h('datalist', { id: 'edit-property-kinds' }, [...new Set(s.properties.map((p) => p.kind))].map((k) => h('option', { value: k }))),
    field('p-value', 'Value', { required: true, inputmode: 'decimal' }),
    field('p-unit', 'Unit', { placeholder: 'e.g. S/cm' }),
    field('p-temperature', 'Temperature (K)', { inputmode: 'decimal' }),
    field('p-method', 'Method', { placeholder: 'e.g. EIS' }),
    field('p-doi', 'DOI of an ingested reference'),
    h('button', { type: 'submit' }, 'Add value'),
  );
  propForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = (id: string) => (propForm.querySelector(`#${id}`) as HTMLInputElement).value.trim();
    const body: Record<string, unknown> = { substance_id: s.id, kind: v('p-kind'), value: Number(v('p-value')) };
    if (v('p-unit')) body.unit = v('p-unit');
    if (v('p-temperature')) body.temperature_K = Number(v('p-temperature'));
    if (v('p-method')) body.method = v('p-method');
    if (v('p-doi')) body.doi = v('p-doi');
    if (!Number.isFinite(body.value as number)) {
      status.replaceChildren(message('error', `The value '${v('p-value')}' is not a number.`));
      return;
    }
    try {
      const r = await postJson<{ inserted: boolean }>('/api/properties', body);
      status.replaceChildren(message('info', r.inserted ? 'The value was added.' : 'This value was already recorded.'));
      navigate(`/substances/${s.id}`, true);
    } catch (err) {
      status.replaceChildren(message('error', `Not added: ${errorText(err)}`));
    }
  });

  const mergeForm = h(
    'form',
    { class: 'edit-form', id: 'merge-form', 'aria-label': 'Merge this substance into another' },
    h('h3', {}, 'Merge into another substance'),
    h('p', {}, 'Every member moves to the target; this id then redirects there. The change is audited.'),
    field('merge-into', 'Target substance id', { required: true, placeholder: 'pbs-…' }),
    h('button', { type: 'submit' }, 'Merge'),
  );
  mergeForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const into = (mergeForm.querySelector('#merge-into') as HTMLInputElement).value.trim();
    if (!confirm(`Merge ${s.id} into ${into}?`)) return;
    try {
      const r = await postJson<{ into: string; audit_id: number }>(`/api/substances/${encodeURIComponent(s.id)}/merge`, { into });
      sessionStorage.setItem('pb_notice', `Merged ${s.id} into ${r.into} (audit entry ${r.audit_id}).`);
      navigate(`/substances/${r.into}`);
    } catch (err) {
      status.replaceChildren(message('error', `Not merged: ${errorText(err)}`));
    }
  });

  // Split: the checked structures move to a new substance with the same identity fields.
  const splitForm = h(
    'form',
    { class: 'edit-form', id: 'split-form', 'aria-label': 'Split structures off into a new substance' },
    h('h3', {}, 'Split off structures'),
    h('p', {}, 'The checked structures move to a new substance; at least one member stays here. The change is audited.'),
    h(
      'fieldset',
      { class: 'split-list' },
      h('legend', {}, 'Structures to move'),
      s.structures.map((x) =>
        h('div', {}, h('input', { type: 'checkbox', id: `split-${x.id}`, name: 'split-structure', value: x.id }), h('label', { for: `split-${x.id}` }, ` #${x.id} ${x.chemical_formula_descriptive || x.chemical_formula_reduced} (${x.source_file.split('/').pop() ?? ''})`)),
      ),
    ),
    h('button', { type: 'submit', disabled: s.structures.length < 2 && s.members.length < 2 }, 'Split'),
  );
  splitForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ids = [...splitForm.querySelectorAll<HTMLInputElement>('input[name="split-structure"]:checked')].map((c) => Number(c.value));
    if (!ids.length) {
      status.replaceChildren(message('error', 'Check the structures to move first.'));
      return;
    }
    try {
      const r = await postJson<{ into: string; audit_id: number }>(`/api/substances/${encodeURIComponent(s.id)}/split`, { structures: ids });
      sessionStorage.setItem('pb_notice', `Split ${ids.length} structure${ids.length === 1 ? '' : 's'} off into ${r.into} (audit entry ${r.audit_id}).`);
      sessionStorage.setItem('pb_notice_link', r.into);
      navigate(`/substances/${s.id}`, true);
    } catch (err) {
      status.replaceChildren(message('error', `Not split: ${errorText(err)}`));
    }
  });

  return h('section', { id: 'editing', 'aria-labelledby': 'editing-h' }, h('h2', { id: 'editing-h' }, 'Editing'), status, h('div', { class: 'edit-forms' }, propForm, mergeForm, splitForm));
}
