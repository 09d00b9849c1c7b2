// `npm run mutate`: StrykerJS over src/, a folder at a time. A folder at a time, because a run over
// all of src/ takes longer than a working session on 2 cores and Stryker writes its results only at
// the end of a run: a run cut short keeps every folder it finished.
//
// Each folder's Stryker report is kept in reports/mutation/<folder>.json (not committed: about 7 kB a
// mutant) and reused by the next run there (incremental mode re-tests only the mutants whose code or
// covering tests changed). Its score, date, commit and survivors are written to
// test/mutation/<folder>.json (committed, small), and the scores are summed from those.
//
//   npm run mutate                 every folder of src/ (bench/ aside), then the scores
//   npm run mutate -- send keys    those folders, then the scores
//   npm run mutate -- --score      the scores kept, only
//   npm run mutate -- --summarise  the kept summaries told anew from reports/mutation, then the scores
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';

const KEPT = 'test/mutation';
const REPORTS = 'reports/mutation';
const args = process.argv.slice(2);
const all = [...readdirSync('src').filter((f) => statSync(`src/${f}`).isDirectory() && f !== 'bench'), 'top'];
const folders = args.filter((a) => !a.startsWith('--'));
for (const f of folders) if (!all.includes(f)) throw new Error(`${f}: not a folder of src/ (${all.join(', ')}; top is the files directly in src/)`);

// Stryker's own definition: killed and timed out, of all valid mutants that were not ignored.
const DETECTED = new Set(['Killed', 'Timeout']);
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage']);

/** A folder's Stryker report, told in a few lines: what the README and the next session need. */
function summary(name, report, commit) {
  const counts = {};
  const survivors = [];
  for (const [file, result] of Object.entries(report.files)) {
    const lines = result.source.split('\n');
    for (const m of result.mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      const { start, end } = m.location;
      const line = lines[start.line - 1] ?? '';
      // What was replaced (to the end of its first line), beside the line that holds it.
      const from = line.slice(start.column - 1, end.line === start.line ? end.column - 1 : undefined);
      survivors.push({ at: `${file}:${start.line}:${start.column}`, status: m.status, mutator: m.mutatorName, line: line.trim(), from, into: m.replacement });
    }
  }
  const counted = Object.entries(counts).reduce((n, [s, c]) => n + (COUNTED.has(s) ? c : 0), 0);
  const detected = Object.entries(counts).reduce((n, [s, c]) => n + (DETECTED.has(s) ? c : 0), 0);
  return {
    folder: name,
    date: new Date().toISOString().slice(0, 10),
    // The commit the run started from: Stryker copies the tree then, and a long run outlives HEAD.
    commit,
    score: counted ? Math.round((1000 * detected) / counted) / 10 : null,
    counts,
    survivors,
  };
}

if (args.includes('--summarise')) {
  // The kept summaries told anew from the local reports (after a change to how they are told),
  // keeping each one's date and commit: the run is what they record.
  for (const name of all) {
    const report = `${REPORTS}/${name}.json`;
    const kept = `${KEPT}/${name}.json`;
    if (!existsSync(report) || !existsSync(kept)) continue;
    const { date, commit } = JSON.parse(readFileSync(kept, 'utf8'));
    writeFileSync(kept, `${JSON.stringify({ ...summary(name, JSON.parse(readFileSync(report, 'utf8')), commit), date }, null, 1)}\n`);
  }
} else if (!args.includes('--score')) {
  mkdirSync(KEPT, { recursive: true });
  for (const name of folders.length ? folders : all) {
    // The files directly in src/ form one more "folder", named top.
    const mutate = name === 'top' ? 'src/*.ts' : `src/${name}/**/*.ts`;
    console.log(`\n== ${mutate}`);
    const report = `${REPORTS}/${name}.json`;
    const commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    const run = spawnSync('npx', ['stryker', 'run', '--mutate', mutate, '--incremental', '--incrementalFile', report], { stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
    writeFileSync(`${KEPT}/${name}.json`, `${JSON.stringify(summary(name, JSON.parse(readFileSync(report, 'utf8')), commit), null, 1)}\n`);
  }
}

let detected = 0;
let counted = 0;
console.log('\n| folder | mutants | score | ignored (static) | measured |\n|---|---:|---:|---:|---|');
for (const name of all) {
  const file = `${KEPT}/${name}.json`;
  if (!existsSync(file)) {
    console.log(`| ${name} | – | not measured yet | – | – |`);
    continue;
  }
  const s = JSON.parse(readFileSync(file, 'utf8'));
  const c = Object.entries(s.counts).reduce((n, [k, v]) => n + (COUNTED.has(k) ? v : 0), 0);
  const d = Object.entries(s.counts).reduce((n, [k, v]) => n + (DETECTED.has(k) ? v : 0), 0);
  detected += d;
  counted += c;
  console.log(`| ${name} | ${c} | ${s.score} % | ${s.counts.Ignored ?? 0} | ${s.date} (${s.commit}) |`);
}
console.log(`| measured so far | ${counted} | ${counted ? ((100 * detected) / counted).toFixed(1) : '–'} % | | |`);
