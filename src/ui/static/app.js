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
  /** What the batch said of each row (status, error, link warning), shown on whichever page holds it. */
  live: new Map(),
  linkWarnings: 0,
  filter: 'all',
  offset: 0,
};
/** Rows a page of the table holds (the server's row-pages.ts PAGE_ROWS). */
const PAGE_ROWS = 100;

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

/**
 * The request's options from the page's controls: each control names the option it sets
 * (data-page, the registry's `page` key); a box sends its state, a text area its lines, a field
 * its text. A control inside a hidden part (the worksheet picker of a CSV) is not sent.
 */
function options() {
  const body = { file: state.file, reportFormat: $('format').value };
  for (const el of document.querySelectorAll('[data-page]')) {
    if (el.closest('[hidden]')) continue;
    const key = el.dataset.page;
    if (el.type === 'checkbox') body[key] = el.checked;
    else if (el.tagName === 'TEXTAREA')
      body[key] = el.value
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (el.value.trim() !== '') body[key] = el.value.trim();
  }
  body.map = Object.entries(state.map)
    .filter(([, field]) => field)
    .map(([column, field]) => `${column}=${field}`);
  return body;
}

async function loadFiles(select) {
  const data = await api('/api/files');
  state.runningFiles = data.running ?? [];
  $('dir').textContent = data.dir;
  state.endpoint = data.endpoint ?? 'api.adspirer.ai';
  if (!state.service) $('service').textContent = `${data.key ? 'API key loaded; asking the service…' : 'No API key: checks only'} · ${state.endpoint}`;
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
  Object.assign(state, {
    running: true,
    done: 0,
    total: 0,
    started: Date.now(),
    slowdowns: 0,
    retries: 0,
    firstAt: undefined,
    phase: '',
    sentAny: false,
    live: new Map(),
    linkWarnings: 0,
  });
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
 * sheet, or mapping) was chosen is cancelled, so the table, counts and "Create N ads" always belong
 * to the file whose name is shown. The answer comes as it is made: the header and the first rows
 * at once, then how far the check has come, then the counts; the rest is paged from the server.
 */
async function check() {
  showError(null);
  const seq = ++state.seq;
  const file = state.file;
  state.checkAbort?.abort();
  const abort = new AbortController();
  state.checkAbort = abort;
  $('check').disabled = true;
  $('launch').disabled = true;
  // Until the new answer comes, the counts shown are the last check's: they say so.
  if (state.check?.done) {
    state.check.done = false;
    renderCounts();
  }
  const current = () => seq === state.seq && file === state.file;
  try {
    await readCheck(options(), abort.signal, (m) => {
      if (!current()) return;
      if (m.type === 'head') {
        state.check = { ...m, total: 0, counts: { valid: 0, invalid: 0, warnings: 0 }, kinds: { invalid: 0, warnings: 0 }, done: false };
        state.planned = undefined; // a plan made before this check no longer holds
        Object.assign(state, { filter: 'all', offset: 0 });
        if (!state.running) Object.assign(state, { live: new Map(), linkWarnings: 0 });
        renderHead(m);
      } else if (m.type === 'rows') renderRows(m.rows);
      else if (m.type === 'progress') {
        Object.assign(state.check, { total: m.total, counts: m.counts });
        renderCounts();
      } else if (m.type === 'done') {
        Object.assign(state.check, { total: m.total, counts: m.counts, kinds: m.kinds, done: true });
        $('notices').replaceChildren(...m.notices.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
        renderCounts();
        renderPager();
      } else if (m.type === 'error') throw new Error(m.message);
    });
  } catch (err) {
    if (err.name !== 'AbortError') throw err;
  } finally {
    if (seq === state.seq) $('check').disabled = false;
  }
}

/** POST /api/check, its newline-delimited JSON answer handed on a line at a time. */
async function readCheck(body, signal, onMessage) {
  const res = await fetch('/api/check', {
    method: 'POST',
    headers: { 'x-token': token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  if (!res.ok) {
    const data = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
    throw new Error(data.error ?? `${res.status}`);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line) onMessage(JSON.parse(line));
    }
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

function renderHead(result) {
  renderMapping(result);
  $('notices').replaceChildren();
  const head = document.createElement('tr');
  for (const name of ['row', 'status', 'problems', ...result.header])
    head.append(Object.assign(document.createElement('th'), { textContent: name || '(blank)', scope: 'col' }));
  $('rows').tHead.replaceChildren(head);
  $('rows').tBodies[0].replaceChildren();
  document.querySelector('input[name=filter][value=all]').checked = true;
  $('pager').hidden = true;
  $('rows-panel').hidden = false;
  renderCounts();
}

/** One page of rows; what the batch has said of a row since the check is shown on it. */
function renderRows(rows) {
  const body = $('rows').tBodies[0];
  body.replaceChildren();
  for (const r of rows) {
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
    body.append(tr);
    const said = state.live.get(r.row);
    if (said) showRowStatus(tr, said);
  }
}

function renderCounts() {
  const { total, counts: c, done, sheetName, headerRow } = state.check;
  const links = state.linkWarnings ? ` · ${state.linkWarnings} ${state.linkWarnings === 1 ? 'row' : 'rows'} with link warnings` : '';
  $('counts').textContent =
    `${total} ads: ${c.valid} valid, ${c.invalid} invalid, ${c.warnings} ${c.warnings === 1 ? 'warning' : 'warnings'}${links}${sheetName ? ` · sheet "${sheetName}"` : ''} · header on row ${headerRow}${done ? '' : ' · checking…'}`;
  if (!done) return;
  $('launch').disabled = c.valid === 0 || state.running;
  if (!state.running && state.planned === undefined) $('launch').textContent = `Create ${c.valid} ${c.valid === 1 ? 'ad' : 'ads'}`;
}

/** How many rows the chosen filter shows, and the page of them on screen. */
function renderPager(count = filterCount()) {
  const from = state.offset;
  $('pager').hidden = count <= PAGE_ROWS;
  $('prev').disabled = from === 0;
  $('next').disabled = from + PAGE_ROWS >= count;
  const what = { all: 'rows', invalid: 'invalid rows', warnings: 'rows with warnings' }[state.filter];
  $('page-info').textContent = count ? `${what} ${from + 1}–${Math.min(from + PAGE_ROWS, count)} of ${count}` : `no ${what}`;
}

function filterCount() {
  return state.filter === 'all' ? state.check.total : state.check.kinds[state.filter];
}

/** Shows the page of rows the filter and offset name, from the check the server keeps. */
async function showPage(filter, offset) {
  if (!state.check?.done) return;
  const seq = state.seq;
  const page = await api('/api/rows', { checkId: state.check.checkId, filter, offset });
  if (seq !== state.seq) return; // another check began meanwhile
  Object.assign(state, { filter, offset: page.offset });
  if (filter !== 'all') state.check.kinds[filter] = page.count;
  renderRows(page.rows);
  renderPager(page.count);
}

/** One problem of a row; its stable code (e.g. ad_text.too_long) is on the element for scripts and tests. */
function problemLine(text, code, className) {
  const div = Object.assign(document.createElement('div'), { textContent: text, className, title: code });
  div.dataset.code = code;
  return div;
}

/** What the batch (or the plan) says of a row: kept for the row's page, shown if it is on screen. */
function rowStatus(row, status, error, linkWarning) {
  const said = { status, error, linkWarning };
  const before = state.live.get(row);
  if (linkWarning !== undefined && before?.linkWarning === undefined) state.linkWarnings++;
  state.live.set(row, said);
  const tr = $('rows').querySelector(`tr[data-row="${row}"]`);
  if (tr) showRowStatus(tr, said);
}

function showRowStatus(tr, { status, error, linkWarning }) {
  const cell = tr.cells[1];
  cell.textContent = status;
  cell.className = `status s-${status}${linkWarning !== undefined ? ' linkwarn' : ''}`;
  if (linkWarning !== undefined) {
    // The row went, and its links were warned of: marked with a sign, found by the warnings filter.
    cell.title = linkWarning;
    tr.dataset.kind = 'warnings';
    tr.cells[2].replaceChildren(problemLine(`! ${linkWarning}`, 'links.warning', 'w'));
    if (error && error !== linkWarning)
      tr.cells[2].prepend(Object.assign(document.createElement('div'), { textContent: error.replace(`; ${linkWarning}`, '') }));
  } else if (error) {
    tr.cells[2].replaceChildren(Object.assign(document.createElement('div'), { textContent: error, className: status === 'created' ? 'w' : '' }));
    if (status === 'invalid') tr.dataset.kind = 'invalid';
  }
}

/** Rows the plan holds back, grouped by why ("rows 7, 8, … 21: the quota has no room …"). */
function notSentNow(held) {
  if (held.length === 0) return [['Not sent now', 'none']];
  return held.map(({ why, count, rows }) => [
    'Not sent now',
    `${count === 1 ? 'row' : `${count} rows`} ${count > rows.length ? `${rows.slice(0, -1).join(', ')}, … ${rows.at(-1)}` : rows.join(', ')}: ${why}`,
  ]);
}

async function plan() {
  showError(null);
  $('plan').disabled = true;
  try {
    const result = await api('/api/plan', options());
    const q = result.quota;
    if (result.summary.stopped === 'auth') keyRefused(result.messages.find((m) => /key|401|403/i.test(m)));
    const pairs = [
      [
        'Quota',
        q
          ? `${q.used} of ${q.limit} used (${q.tier}), ${Math.max(0, q.limit - q.used)} left, resets ${q.period_end || '?'}`
          : result.summary.stopped === 'auth'
            ? 'unknown: the service refused the API key'
            : 'unknown: the service did not say (see the notes below)',
      ],
      ['Calls this batch needs', String(result.toSend)],
      ['Already created (carried over)', String(result.carried)],
      ['Invalid', String(result.summary.counts.invalid)],
      ...notSentNow(result.held),
    ];
    // What Create will do is what the plan says, not every valid row.
    state.planned = result.toSend;
    $('launch').textContent = `Create ${result.toSend} ${result.toSend === 1 ? 'ad' : 'ads'}`;
    $('launch').disabled = result.toSend === 0 || state.running;
    $('plan-facts').replaceChildren(
      ...pairs.flatMap(([k, v]) => [
        Object.assign(document.createElement('dt'), { textContent: k }),
        Object.assign(document.createElement('dd'), { textContent: v }),
      ]),
    );
    // Row problems are in the table already; the plan lists what is about the batch.
    const notes = result.messages.filter((m) => !/^Row \d+:|^… and \d+ more rows|^Done in /.test(m));
    if (result.marksLeft) notes.push(`${result.marksLeft} more rows are carried over or invalid than the table marks; the report lists them all.`);
    $('plan-notes').replaceChildren(...notes.map((m) => Object.assign(document.createElement('li'), { textContent: m })));
    for (const r of result.marks) rowStatus(r.row, r.status, r.error);
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
      rowStatus(e.line.row, e.line.status, e.line.error, e.linkWarning);
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
  const links = state.linkWarnings ? ` · ${state.linkWarnings} with link warnings` : '';
  $('progress-text').textContent = `${done}/${total} rows${eta}${slow}${retries}${links}${quota ? ` · ${quota}` : ''}`;
}

function finished(summary) {
  state.running = false;
  state.source?.close();
  if (state.check?.done) renderCounts(); // the link warnings the batch found are counted there too
  $('stop').disabled = true;
  $('check').disabled = false;
  $('plan').disabled = false;
  $('launch').disabled = false;
  $('launch').textContent = 'Resume (send what is left)';
  if (!summary) return;
  if (summary.stopped === 'auth') keyRefused();
  const c = summary.counts;
  const parts = Object.entries(c)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${v} ${k}`);
  if (state.linkWarnings) parts.push(`${state.linkWarnings} with link warnings (marked !)`);
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
// A control that changes what the check finds (allow duplicates, trust IDs, the encoding) checks again.
for (const el of document.querySelectorAll('[data-recheck]')) el.addEventListener('change', () => state.file && check().catch(showError));
on('ads-resume', 'click', () => adStatus('resume'));
on('ads-delete', 'click', () => adStatus('delete'));

on('stop', 'click', async () => {
  $('stop').disabled = true;
  await api('/api/stop', { file: state.file });
});
on('upload-input', 'change', (e) => e.target.files[0] && upload(e.target.files[0]));
for (const radio of document.querySelectorAll('input[name=filter]')) radio.addEventListener('change', () => showPage(radio.value, 0).catch(showError));
on('prev', 'click', () => showPage(state.filter, Math.max(0, state.offset - PAGE_ROWS)));
on('next', 'click', () => showPage(state.filter, state.offset + PAGE_ROWS));
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
/** What the key can do, asked of the service (free calls): the header says so; the advertiser field offers the connected advertisers. */
async function loadService() {
  const s = await api('/api/service');
  state.service = s;
  $('service').textContent = `${s.message} · ${state.endpoint ?? ''}`;
  $('service').dataset.key = s.key;
  const note = (a) => (a.status === 'needs_reauth' ? ' (reconnect it in Adspirer)' : a.active === false ? ' (not active on the plan)' : '');
  $('advertisers').replaceChildren(...s.accounts.map((a) => new Option(`${a.name ?? a.id}${note(a)}`, a.id)));
  $('advertiser').placeholder =
    s.accounts.length > 1 ? `choose one of ${s.accounts.length} connected advertisers (fills only empty cells)` : 'fills only empty cells';
}

/** The service refused the key after all (a plan or a batch met a 401/403): the header says so. */
function keyRefused(message) {
  $('service').textContent = `API key refused${message ? `: ${message}` : ''} · ${state.endpoint ?? ''}`;
  $('service').dataset.key = 'refused';
}

// After a reload or in a second tab: the running batch's file is chosen and followed.
loadFiles()
  .then(() => void loadService().catch(showError))
  .then(() => {
    const running = state.runningFiles[0];
    if (running && !state.file) {
      $('file').value = running;
      return chooseFile(running);
    }
  })
  .catch(showError);
