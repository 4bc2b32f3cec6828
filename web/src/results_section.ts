// The calculations and curated mined records of a substance, for its page: links to
// /calculations/{id} and /mining, loaded after the page itself (two small API calls).
import { calculations, minedRecords } from './api';
import { fmt, h, link, message } from './dom';

export function resultsSection(substanceId: string, hostFormula: string): HTMLElement {
  const calcList = h('div', { id: 'substance-calculations' }, message('info', 'Loading calculations…'));
  const minedList = h('div', { id: 'substance-mined' }, message('info', 'Loading mined records…'));
  const el = h(
    'section',
    { id: 'results', 'aria-labelledby': 'results-h' },
    h('h2', { id: 'results-h' }, 'Calculations and mined records'),
    h('h3', {}, 'DFT calculations'),
    calcList,
    h('h3', {}, 'Curated records mined from papers'),
    minedList,
  );
  const q = new URLSearchParams({ substance_id: substanceId, limit: '20' });
  void calculations(q)
    .then((p) =>
      calcList.replaceChildren(
        p.rows.length
          ? h('ul', {}, p.rows.map((r) => h('li', {}, link(`/calculations/${r.id}`, `Job ${r.id}: ${r.code} ${r.task}`), ` — ${r.state}`, r.energy_per_atom_ev !== null ? `, ${fmt(r.energy_per_atom_ev, 8)} eV/atom` : '', r.band_gap_ev !== null ? `, gap ${r.metal ? 'metal' : `${fmt(r.band_gap_ev, 4)} eV`}` : '')))
          : message('info', 'No calculations on this substance.'),
        p.total > p.rows.length ? h('p', {}, link(`/calculations?substance_id=${encodeURIComponent(substanceId)}`, `All ${p.total} calculations`)) : '',
      ),
    )
    .catch((e) => calcList.replaceChildren(message('error', `Calculations could not be loaded: ${String(e)}`)));
  // Records are linked to a substance when published (phasebook mine publish); before that,
  // those naming the host formula are offered through the mining page's material filter.
  const m = new URLSearchParams({ substance_id: substanceId, state: '', limit: '20' });
  const byFormula = new URLSearchParams({ material: hostFormula, state: '', limit: '1' });
  void Promise.all([minedRecords(m), minedRecords(byFormula)])
    .then(([p, f]) => {
      const curated = p.rows.filter((r) => r.state === 'accepted' || r.state === 'edited');
      minedList.replaceChildren(
        curated.length
          ? h('ul', {}, curated.map((r) => h('li', {}, `${r.property.replace(/_/g, ' ')}: ${r.value} ${r.unit} (${r.state}, record ${r.id}) — “${r.sentence}”`)))
          : message('info', 'No curated mined records linked to this substance (an editor links a record in the review queue at /mining, or publishing links it by formula).'),
        p.total ? h('p', {}, link(`/mining?substance_id=${encodeURIComponent(substanceId)}&state=`, `All ${p.total} mined records of this substance`)) : '',
        f.total ? h('p', {}, link(`/mining?material=${encodeURIComponent(hostFormula)}&state=`, `${f.total} mined record${f.total === 1 ? '' : 's'} naming ${hostFormula}`), ' (any curation state)') : '',
      );
    })
    .catch((e) => minedList.replaceChildren(message('error', `Mined records could not be loaded: ${String(e)}`)));
  return el;
}
