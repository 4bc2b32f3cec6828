// The upload page (editors): structure files or zip archives -> POST /api/ingest, then the job
// is polled (GET /api/ingest/{job}) for progress and the per-file outcome: ingested, duplicate,
// error with its located message (file:line: what is wrong), or skipped. The server refuses
// request bodies above its --max-body (1 MiB by default), so the files go in batches under it.
import { ApiError, atLeast, me, postForm, getJson, type IngestFile, type IngestJob } from './api';
import { h, link, message } from './dom';

/// Bytes per request, below the server's default 1 MiB body limit with room for the form.
const BATCH_BYTES = 900 * 1024;
const POLL_MS = 250;

function batches(files: File[]): File[][] {
  const out: File[][] = [];
  let current: File[] = [];
  let size = 0;
  for (const f of files) {
    if (current.length && size + f.size > BATCH_BYTES) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(f);
    size += f.size;
  }
  if (current.length) out.push(current);
  return out;
}

const STATUS_TEXT: Record<IngestFile['status'], string> = {
  pending: 'waiting',
  ingested: 'ingested',
  duplicate: 'already in the database',
  error: 'error',
  skipped: 'skipped',
};

function resultRow(f: IngestFile): HTMLElement {
  return h(
    'tr',
    { 'data-status': f.status, 'data-file': f.file },
    h('td', { class: 'source' }, f.file),
    h('td', {}, h('span', { class: `status ${f.status}` }, STATUS_TEXT[f.status])),
    h('td', { class: 'num' }, f.structures ?? ''),
    h('td', {}, (f.substance_ids ?? []).flatMap((s, i) => [i ? ', ' : '', link(`/substances/${s}`, s)])),
    h('td', {}, f.errors?.length ? h('ul', { class: 'errors' }, f.errors.map((e) => h('li', {}, h('code', {}, e)))) : ''),
  );
}

export async function renderUpload(main: HTMLElement): Promise<void> {
  document.title = 'Upload · Phasebook';
  const role = await me().then((w) => w.role).catch(() => 'guest');
  if (!atLeast(role, 'editor')) {
    main.replaceChildren(h('h1', {}, 'Upload structures'), message('info', 'Uploading needs an editor account: sign in at the top right.'));
    main.dataset.ready = 'true';
    return;
  }
  const input = h('input', { id: 'upload-files', name: 'file', type: 'file', multiple: true, required: true, accept: '.cif,.zip,.vasp,.poscar,.xyz,.extxyz,.json' });
  const dataset = h('input', { id: 'upload-dataset', name: 'dataset', value: 'public', autocomplete: 'off', pattern: '[A-Za-z0-9_.\\-]{1,64}' });
  const button = h('button', { type: 'submit', id: 'upload-button' }, 'Upload and ingest');
  const bar = h('progress', { id: 'upload-progress', max: 1, value: 0, 'aria-label': 'Files processed' });
  const status = h('p', { id: 'upload-status', role: 'status', 'aria-live': 'polite' });
  const summary = h('p', { id: 'upload-summary', class: 'summary' });
  const body = h('tbody', {});
  const table = h(
    'table',
    { id: 'upload-table' },
    h('caption', {}, 'Each file with what happened to it'),
    h('thead', {}, h('tr', {}, ['File', 'Result', 'Structures', 'Substances', 'Messages'].map((t) => h('th', { scope: 'col' }, t)))),
    body,
  );
  const report = h('section', { id: 'upload-report', 'aria-labelledby': 'upload-report-h', hidden: true }, h('h2', { id: 'upload-report-h' }, 'Report'), status, bar, summary, h('div', { class: 'table-wrap' }, table));
  const form = h(
    'form',
    { class: 'edit-form upload-form', id: 'upload-form', 'aria-label': 'Upload structure files' },
    h('div', { class: 'field' }, h('label', { for: 'upload-files' }, 'CIF, POSCAR, extended XYZ or OPTIMADE JSON files, or zip archives of them'), input),
    h('div', { class: 'field' }, h('label', { for: 'upload-dataset' }, 'Dataset (public, or a members-only dataset)'), dataset),
    button,
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const files = [...(input.files ?? [])];
    if (!files.length) return;
    button.disabled = true;
    report.hidden = false;
    body.replaceChildren();
    const all: IngestFile[][] = [];
    const show = () => {
      const flat = all.flat();
      const done = flat.filter((f) => f.status !== 'pending').length;
      bar.max = Math.max(1, flat.length);
      bar.value = done;
      const count = (s: string) => flat.filter((f) => f.status === s).length;
      summary.textContent = `${count('ingested')} ingested, ${count('duplicate')} duplicates, ${count('error')} with errors, ${count('skipped')} skipped.`;
      summary.dataset.ingested = String(count('ingested'));
      summary.dataset.errors = String(count('error'));
      body.replaceChildren(...flat.map(resultRow));
      return [done, flat.length];
    };
    try {
      const parts = batches(files);
      for (const [i, batch] of parts.entries()) {
        status.textContent = `Sending batch ${i + 1} of ${parts.length} (${batch.length} file${batch.length === 1 ? '' : 's'})…`;
        const data = new FormData();
        data.set('dataset', dataset.value.trim() || 'public');
        for (const f of batch) data.append('file', f, f.name);
        let job: IngestJob;
        try {
          job = await postForm<IngestJob>('/api/ingest', data);
        } catch (err) {
          // A refused batch (too large, bad dataset) is reported on each of its files.
          const text = err instanceof ApiError ? err.message : String(err);
          all.push(batch.map((f) => ({ file: f.name, status: 'error', errors: [text] })));
          show();
          continue;
        }
        const slot = all.push(job.files) - 1;
        show();
        while (job.state === 'queued' || job.state === 'running') {
          await new Promise((r) => setTimeout(r, POLL_MS));
          job = await getJson<IngestJob>(`/api/ingest/${job.job}`);
          all[slot] = job.files;
          const [done, total] = show();
          status.textContent = `Ingesting: ${done} of ${total} files done…`;
        }
      }
      const [done, total] = show();
      status.textContent = `Finished: ${done} of ${total} files processed.`;
      status.dataset.finished = 'true';
    } catch (err) {
      status.replaceChildren(message('error', `The upload failed: ${err instanceof ApiError ? err.message : String(err)}`));
    } finally {
      button.disabled = false;
    }
  });

  main.replaceChildren(
    h('h1', {}, 'Upload structures'),
    h('p', {}, 'Files are parsed and stored one by one; a file already in the database (same bytes and block) is reported as a duplicate and changes nothing. Every structure joins the substance its identity rules give. Errors point at the line of the file.'),
    form,
    report,
  );
  main.dataset.ready = 'true';
}
