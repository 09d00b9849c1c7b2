// The page of `tiktok-ads-bulk ui`. Plain modules, no framework: the server does the work (the
// same library as the CLI); this file only shows it. Every cell is set with textContent, never as
// HTML: sheet contents are data.
const token = new URLSearchParams(location.search).get('t') ?? '';
const $ = (id) => document.getElementById(id);
const state = {
  file: '',
  seq: 0,
  runningFiles: [],
  map: {},
  check: null,
  running: false,
  done: 0,
  total: 0,
  started: 0,
  slowdowns: 0,
  retries: 0,
  source: null,
};

async function api(path, body) {
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) throw new Error(data.error ?? `${res.status}`);
  return data;
}

const withToken = (path, params = {}) => `${path}?${new URLSearchParams({ t: token, ...params })}`;

function showError(err) {
  const box = $('error');
  box.hidden = !err;
  box.textContent = err ? String(err.message ?? err) : '';
}

function options() {
  return {
    file: state.file,
    sheet: $('sheet-wrap').hidden || $('sheet').value === '' ? undefined : $('sheet').value,
    advertiserId: $('advertiser').value,
    adName: $('adname').value,
    set: $('set')
      .value.split('\n')
      .map((s) => s.trim())
      .filter(Boolean),
    reportFormat: $('format').value,
    checkLinks: $('links').checked,
    allowDuplicates: $('dups').checked,
    map: Object.entries(state.map)
      .filter(([, field]) => field)
      .map(([column, field]) => `${column}=${field}`),
  };
}

async function loadFiles(select) {
  const data = await api('/api/files');
  state.runningFiles = data.running ?? [];
  $('dir').textContent = data.dir;
  $('service').textContent = `${data.key ? 'API key loaded' : 'No API key: checks and plans only'} · ${data.endpoint ?? 'api.adspirer.ai'}`;
  const sel = $('file');
  sel.replaceChildren(new Option('Choose a sheet…', ''), ...data.files.map((f) => new Option(f.name, f.name)));
  if (select) sel.value = select;
  else if (state.file) sel.value = state.file;
}

async function chooseFile(name) {
  state.file = name;
  state.map = {};
  state.check = null;
  state.planned = undefined;
  $('sheet-wrap').hidden = true;
  $('launch').disabled = true;
  $('ads-actions').hidden = !name;
  $('ads-result').textContent = '';
  // Nothing of the previous file stays on screen under the new one's name.
  for (const id of ['rows-panel', 'plan-panel', 'mapping']) $(id).hidden = true;
  if (!state.running) $('run').hidden = true;
  $('notices').replaceChildren();
  if (!name) return;
  const seq = ++state.seq;
  const { sheets } = await api('/api/sheets', { file: name });
  if (seq !== state.seq) return; // another file was chosen meanwhile
  if (sheets.length > 1) {
    // As the CLI without --sheet: the first sheet with a header row (a cover sheet is skipped).
    $('sheet').replaceChildren(new Option('first with a header row', ''), ...sheets.map((s) => new Option(s, s)));
    $('sheet-wrap').hidden = false;
  }
  await check();
  // A batch of this file runs already (launched before a reload, or from another tab): follow it.
  if (state.runningFiles.includes(name) && state.file === name && !state.running) attach();
}

/** Shows a running batch's progress and lets it be stopped: its story so far is replayed, then live. */
function attach() {
  Object.assign(state, { running: true, done: 0, total: 0, started: Date.now(), slowdowns: 0, retries: 0, firstAt: undefined, phase: '', sentAny: false });
  $('run').hidden = false;
  $('summary').hidden = true;
  $('log').textContent = '';
  $('bar').value = 0;
  $('launch').disabled = true;
  $('stop').disabled = false;
  $('check').disabled = true;
  $('plan').disabled = true;
  listen();
}

async function upload(file) {
  const send = (replace) =>
    fetch('/api/file', {
      method: 'POST',
      headers: { 'x-token': token, 'x-file-name': encodeURIComponent(file.name), ...(replace ? { 'x-replace': '1' } : {}) },
      body: file,
    });
  let res = await send(false);
  let data = await res.json();
  if (!res.ok) throw new Error(data.error);
  if (data.exists) {
    if (!confirm(data.message)) return;
    res = await send(true);
    data = await res.json();
    if (!res.ok) throw new Error(data.error);
  }
  await loadFiles(data.file);
  await chooseFile(data.file);
}

/**
 * Checks the chosen file. Only the newest check is shown: one started before another file (or
 * sheet, or mapping) was chosen is dropped when it answers, so the table, counts and "Create N ads"
 * always belong to the file whose name is shown.
 */
async function check() {
  showError(null);
  const seq = ++state.seq;
  const file = state.file;
  $('check').disabled = true;
  $('launch').disabled = true;
  try {
    const result = await api('/api/check', options());
    if (seq !== state.seq || file !== state.file) return;
    state.check = result;
    state.planned = undefined; // a plan made before this check no longer holds
    renderCheck(result);
  } finally {
    if (seq === state.seq) $('check').disabled = false;
  }
}

/** A field for each column of the user's own (an agency's "Client" column is advertiser_id). */
function renderMapping(result) {
  $('mapping').hidden = result.ownColumns.length === 0;
  $('mapping-list').replaceChildren(
    ...result.ownColumns.map((col) => {
      const select = document.createElement('select');
      select.append(new Option('carried, not sent', ''), ...result.fields.map((f) => new Option(`read as ${f}`, f)));
      select.value = col.field ?? '';
      select.dataset.column = col.name;
      select.addEventListener('change', () => {
        state.map[col.name] = select.value;
        check().catch(showError);
      });
      const label = Object.assign(document.createElement('label'), { textContent: `${col.name} ` });
      label.append(select);
      return label;
    }),
  );
}

function renderCheck(result) {
  renderMapping(result);
  $('notices').replaceChildren(...result.notices.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
  const head = document.createElement('tr');
  for (const name of ['row', 'status', 'problems', ...result.header])
    head.append(Object.assign(document.createElement('th'), { textContent: name || '(blank)', scope: 'col' }));
  $('rows').tHead.replaceChildren(head);
  const body = $('rows').tBodies[0];
  body.replaceChildren(
    ...result.rows.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.row = String(r.row);
      tr.dataset.kind = r.status === 'invalid' ? 'invalid' : r.warnings.length ? 'warnings' : 'ok';
      const status = Object.assign(document.createElement('td'), { textContent: r.status, className: `status s-${r.status}` });
      const problems = document.createElement('td');
      problems.className = 'problems';
      for (const p of r.problems) problems.append(problemLine(`✗ ${p.field}: ${p.message}`, p.code, ''));
      for (const p of r.warnings) problems.append(problemLine(`! ${p.field}: ${p.message}`, p.code, 'w'));
      tr.append(Object.assign(document.createElement('th'), { textContent: String(r.row), scope: 'row' }), status, problems);
      r.cells.forEach((text, col) => {
        const td = Object.assign(document.createElement('td'), { textContent: text });
        const bad = r.problems.filter((p) => p.col === col);
        const warn = r.warnings.filter((p) => p.col === col);
        if (bad.length) {
          td.className = 'bad';
          td.setAttribute('aria-invalid', 'true');
        } else if (warn.length) td.className = 'warn';
        if (bad.length || warn.length) td.title = [...bad, ...warn].map((p) => p.message).join('\n');
        tr.append(td);
      });
      return tr;
    }),
  );
  const c = result.counts;
  $('counts').textContent =
    `${result.rows.length} ads: ${c.valid} valid, ${c.invalid} invalid, ${c.warnings} ${c.warnings === 1 ? 'warning' : 'warnings'}${result.sheetName ? ` · sheet "${result.sheetName}"` : ''} · header on row ${result.headerRow}`;
  $('rows-panel').hidden = false;
  $('launch').disabled = c.valid === 0 || state.running;
  $('launch').textContent = `Create ${c.valid} ${c.valid === 1 ? 'ad' : 'ads'}`;
  applyFilter();
}

/** One problem of a row; its stable code (e.g. ad_text.too_long) is on the element for scripts and tests. */
function problemLine(text, code, className) {
  const div = Object.assign(document.createElement('div'), { textContent: text, className, title: code });
  div.dataset.code = code;
  return div;
}

function applyFilter() {
  const filter = document.querySelector('input[name=filter]:checked').value;
  for (const tr of $('rows').tBodies[0].rows) tr.hidden = filter !== 'all' && tr.dataset.kind !== filter;
}

function rowStatus(row, status, error) {
  const tr = $('rows').querySelector(`tr[data-row="${row}"]`);
  if (!tr) return;
  const cell = tr.cells[1];
  cell.textContent = status;
  cell.className = `status s-${status}`;
  if (error) {
    tr.cells[2].replaceChildren(Object.assign(document.createElement('div'), { textContent: error, className: status === 'created' ? 'w' : '' }));
    if (status === 'invalid') tr.dataset.kind = 'invalid';
  }
}

/** Rows the plan holds back, grouped by why ("rows 7, 8, … 21: the quota has no room …"). */
function notSentNow(rows) {
  if (rows.length === 0) return [['Not sent now', 'none']];
  const byReason = new Map();
  for (const r of rows) {
    const why = (r.error ?? 'held back').replace(/^not sent: /, '');
    byReason.set(why, [...(byReason.get(why) ?? []), r.row]);
  }
  return [...byReason].map(([why, list]) => [
    'Not sent now',
    `${list.length === 1 ? 'row' : 'rows'} ${list.length > 8 ? `${list.slice(0, 6).join(', ')}, … ${list.at(-1)}` : list.join(', ')}: ${why}`,
  ]);
}

async function plan() {
  showError(null);
  $('plan').disabled = true;
  try {
    const result = await api('/api/plan', options());
    const facts = $('plan-facts');
    const q = result.quota;
    const toSend = result.rows.filter((r) => r.status === 'not_sent' && /would be sent/.test(r.error ?? '')).length;
    const wontFit = result.rows.filter((r) => r.status === 'not_sent' && !/would be sent/.test(r.error ?? ''));
    const carried = result.rows.filter((r) => r.status === 'created').length;
    const pairs = [
      [
        'Quota',
        q
          ? `${q.used} of ${q.limit} used (${q.tier}), ${Math.max(0, q.limit - q.used)} left, resets ${q.period_end || '?'}`
          : result.summary.stopped === 'auth'
            ? 'unknown: the service refused the API key'
            : 'unknown: the service did not say (see the notes below)',
      ],
      ['Calls this batch needs', String(toSend)],
      ['Already created (carried over)', String(carried)],
      ['Invalid', String(result.summary.counts.invalid)],
      ...notSentNow(wontFit),
    ];
    // What Create will do is what the plan says, not every valid row.
    state.planned = toSend;
    $('launch').textContent = `Create ${toSend} ${toSend === 1 ? 'ad' : 'ads'}`;
    $('launch').disabled = toSend === 0 || state.running;
    facts.replaceChildren(
      ...pairs.flatMap(([k, v]) => [
        Object.assign(document.createElement('dt'), { textContent: k }),
        Object.assign(document.createElement('dd'), { textContent: v }),
      ]),
    );
    // Row problems are in the table already; the plan lists what is about the batch.
    const notes = result.messages.filter((m) => !/^Row \d+:|^… and \d+ more rows|^Done in /.test(m));
    $('plan-notes').replaceChildren(...notes.map((m) => Object.assign(document.createElement('li'), { textContent: m })));
    for (const r of result.rows) if (r.status === 'invalid' || r.status === 'created') rowStatus(r.row, r.status, r.error);
    $('plan-panel').hidden = false;
  } finally {
    $('plan').disabled = false;
  }
}

async function launch() {
  showError(null);
  const n = state.planned ?? state.check?.counts.valid ?? 0;
  const what = state.planned !== undefined ? `${n} ${n === 1 ? 'ad' : 'ads'}, as planned,` : `up to ${n} ${n === 1 ? 'ad' : 'ads'}`;
  if (!confirm(`Create ${what} from ${state.file}? Each costs one API call; rows created earlier are not sent again.`)) return;
  await api('/api/launch', options());
  attach();
  $('run').scrollIntoView({ block: 'start' });
}

function listen() {
  state.source?.close();
  const source = new EventSource(withToken('/api/events', { file: state.file }));
  state.source = source;
  let quota = '';
  source.onmessage = (message) => {
    const e = JSON.parse(message.data);
    if (e.type === 'row') {
      rowStatus(e.line.row, e.line.status, e.line.error);
      // Rows settled without a request (invalid, carried over) say nothing of the sending yet.
      if (e.line.attempts > 0) state.sentAny = true;
    } else if (e.type === 'progress') {
      // The time left is reckoned from the first answer on: the plan and the first link checks
      // before it are no measure of how fast rows go.
      if (e.done > 0 && state.firstAt === undefined) state.firstAt = { at: Date.now(), done: e.done };
      state.done = e.done;
      state.total = e.total;
    } else if (e.type === 'quota') quota = `quota ${e.quota.used}/${e.quota.limit}`;
    else if (e.type === 'retry') {
      state.retries++;
      if (e.throttled) state.slowdowns++;
    } else if (e.type === 'message') {
      $('log').textContent += `${e.text}\n`;
      // Before the first row is answered, say what the batch is doing (the links are checked first).
      if (!state.sentAny) state.phase = /^Checking|^Links:/.test(e.text) ? e.text.split(';')[0] : state.phase;
    } else if (e.type === 'done') finished(e.summary);
    else if (e.type === 'error') {
      showError(e.message);
      finished(null);
    }
    drawProgress(quota);
  };
  source.onerror = () => {
    if (!state.running) source.close();
  };
}

function drawProgress(quota) {
  const { done, total } = state;
  $('bar').max = Math.max(total, 1);
  $('bar').value = done;
  const first = state.firstAt;
  const rate = first && done > first.done ? (done - first.done) / (Date.now() - first.at) : undefined;
  const eta = rate && total > done ? ` · about ${Math.ceil((total - done) / rate / 1000)} s left` : '';
  if (!state.sentAny && state.phase) {
    $('progress-text').textContent = `${state.phase}…${quota ? ` · ${quota}` : ''}`;
    return;
  }
  const slow = state.slowdowns ? ` · ${state.slowdowns} slow-downs (429)` : '';
  const retries = state.retries ? ` · ${state.retries} retries` : '';
  $('progress-text').textContent = `${done}/${total} rows${eta}${slow}${retries}${quota ? ` · ${quota}` : ''}`;
}

function finished(summary) {
  state.running = false;
  state.source?.close();
  $('stop').disabled = true;
  $('check').disabled = false;
  $('plan').disabled = false;
  $('launch').disabled = false;
  $('launch').textContent = 'Resume (send what is left)';
  if (!summary) return;
  const c = summary.counts;
  const parts = Object.entries(c)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v} ${k}`);
  $('summary-text').textContent = `${summary.stopped ? `Stopped (${summary.stopped}). ` : 'Done. '}${parts.join(', ') || 'nothing to do'}.`;
  $('summary').hidden = false;
  $('dl-report').href = withToken('/api/download', { file: state.file, kind: 'report', format: $('format').value });
  $('dl-retry').href = withToken('/api/download', { file: state.file, kind: 'retry' });
  // A retry file exists only when some row needs attention.
  $('dl-retry-wrap').hidden = c.invalid + c.rejected + c.failed + c.not_sent + (c.unknown ?? 0) === 0;
}

/** A download that is not there yet says so on the page instead of leaving it for an error page. */
async function download(e) {
  e.preventDefault();
  const href = e.currentTarget.href;
  const res = await fetch(`${href}&check=1`);
  const data = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok || !data.exists) throw new Error(data.message ?? data.error);
  location.href = href;
}

function on(id, event, fn) {
  $(id).addEventListener(event, (e) => Promise.resolve(fn(e)).catch(showError));
}

on('refresh', 'click', () => loadFiles());
// A file dropped beside the drop zone would make the browser open it and leave the page.
for (const type of ['dragover', 'drop']) document.addEventListener(type, (e) => e.preventDefault());
on('dl-report', 'click', download);
on('dl-retry', 'click', download);
// Arrow keys on the list change the choice once per key: the check waits until the choice settles.
let choosing;
on('file', 'change', (e) => {
  clearTimeout(choosing);
  const name = e.target.value;
  return new Promise((resolve, reject) => {
    choosing = setTimeout(() => chooseFile(name).then(resolve, reject), 250);
  });
});
on('sheet', 'change', () => check());
on('check', 'click', () => check());
on('plan', 'click', () => plan());
on('launch', 'click', () => launch());
/** Pause, resume or delete every ad the batch of the chosen sheet created (as the commands do). */
async function adStatus(action) {
  showError(null);
  const words = { pause: 'Pause', resume: 'Resume', delete: 'Delete' }[action];
  const warning = action === 'delete' ? ' A deleted ad cannot be brought back.' : '';
  if (!confirm(`${words} every ad the batch of ${state.file} created? Each is one API call.${warning}`)) return;
  $('ads-result').textContent = `${words}…`;
  const r = await api('/api/ad-status', { ...options(), action });
  const c = r.counts;
  const done = { pause: 'paused', resume: 'resumed', delete: 'deleted' }[action];
  $('ads-result').textContent = `${c.done} of ${r.ads} ${r.ads === 1 ? 'ad' : 'ads'} ${done}${c.skipped ? `, ${c.skipped} left as they were` : ''}${
    c.rejected + c.failed + c.not_sent + c.unknown ? `, ${c.rejected + c.failed + c.not_sent + c.unknown} not changed (see Messages)` : ''
  }.`;
  $('log').textContent += `${r.messages.join('\n')}\n`;
}
on('ads-pause', 'click', () => adStatus('pause'));
on('dups', 'change', () => state.file && check());
on('ads-resume', 'click', () => adStatus('resume'));
on('ads-delete', 'click', () => adStatus('delete'));

on('stop', 'click', async () => {
  $('stop').disabled = true;
  await api('/api/stop', { file: state.file });
});
on('upload-input', 'change', (e) => e.target.files[0] && upload(e.target.files[0]));
for (const radio of document.querySelectorAll('input[name=filter]')) radio.addEventListener('change', applyFilter);
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) upload(file).catch(showError);
});
$('tpl-csv').href = withToken('/api/template', { format: 'csv' });
$('tpl-xlsx').href = withToken('/api/template', { format: 'xlsx' });
// After a reload or in a second tab: the running batch's file is chosen and followed.
loadFiles()
  .then(() => {
    const running = state.runningFiles[0];
    if (running && !state.file) {
      $('file').value = running;
      return chooseFile(running);
    }
  })
  .catch(showError);
