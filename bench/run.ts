// `npm run bench`: what wild-plan costs around the agent, each figure measured side by side
// with its floor in one run and reported as a ratio (the machines are shared and noisy).
// Prints a table and writes bench/results.json.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAction } from './action.js';
import { benchColdStart, benchPipelineLoad } from './cold-start.js';
import { benchPlanSize } from './plan-size.js';
import { benchPreflight } from './preflight.js';
import { benchRepoSize } from './repo-size.js';
import { benchScratch } from './scratch.js';
import { fmt } from './stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rows: Array<{ measure: string; result: string; target: string; met: boolean | null }> = [];
const results: Record<string, unknown> = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  date: new Date().toISOString(),
};

function row(measure: string, result: string, target: string, met: boolean | null) {
  rows.push({ measure, result, target, met });
  console.log(`  ${met === null ? '·' : met ? '✓' : '✗'} ${measure}: ${result}`);
}

console.log('Overhead (the action on the happy path vs a floor script of plain tools)');
const action = await benchAction();
results.action = action;
const o = action.overhead;
row('overhead, happy path, agent included', `${fmt(o.action)} vs floor ${fmt(o.floor)} → ${o.ratio.toFixed(2)}×`, 'reported', null);
row(
  'overhead, happy path, agent excluded from both sides',
  `${fmt(o.actionWithoutAgent)} vs floor ${fmt(o.floorWithoutAgent)} → ${o.ratioWithoutAgent.toFixed(2)}×`,
  '≤ 2×',
  o.ratioWithoutAgent <= 2,
);
row(
  'floor: its replayed GitHub requests',
  `${o.floorCalls.replayed - o.floorCalls.failed} of ${o.floorCalls.replayed} succeeded`,
  'all',
  o.floorCalls.failed === 0,
);
const t = action.timeline;
const span = (from: number, to: number) => `${(to - from).toFixed(0)} ms`;
row(
  "where a first run's time goes (log timestamps, median of 3)",
  `start → permission checked ${span(0, t.permissionChecked)}; → preflight ${span(t.permissionChecked, t.preflightStarted)}; → agent starts ${span(t.preflightStarted, t.agentStarted)}; agent ${span(t.agentStarted, t.agentFinished)}; → publish ${span(t.agentFinished, t.publishStarted)}; publish → exit ${span(t.publishStarted, t.exited)}`,
  'reported',
  null,
);
const kinds = (byKind: Record<string, number>) =>
  Object.entries(byKind)
    .map(([k, n]) => `${n}× ${k}`)
    .join(', ');
row(
  'GitHub API calls, first run',
  `${action.apiCalls.firstRun} (${kinds(action.apiCalls.firstByKind)})`,
  '≤ 8',
  action.apiCalls.firstRun <= 8,
);
row('GitHub API calls, re-run', `${action.apiCalls.reRun} (${kinds(action.apiCalls.reRunByKind)})`, '≤ 6', action.apiCalls.reRun <= 6);
row('peak RSS, happy path', `${(action.memory.happyKb / 1024).toFixed(0)} MiB`, 'reported', null);
row(
  'peak RSS, 50 MB agent transcript',
  `${(action.memory.hugeTranscriptKb / 1024).toFixed(0)} MiB`,
  '< happy + 2 × 10 MiB cap (streamed, capped)',
  action.memory.hugeTranscriptKb < action.memory.happyKb + 2 * 10 * 1024 + 32 * 1024,
);

console.log("Cold start (skipped event vs node -e 0, both with the runner's environment)");
const cold = await benchColdStart();
results.coldStart = cold;
row(
  'cold start: a skipped event vs `node -e 0` (GITHUB_OUTPUT set)',
  `${fmt(cold.a)} vs ${fmt(cold.b)} → ${cold.ratio.toFixed(2)}×`,
  '≤ 1.2×',
  cold.ratio <= 1.2,
);
const load = await benchPipelineLoad();
results.pipelineLoad = load;
row(
  'loading the planning pipeline (import of its entry chunk vs an empty module)',
  `${load.ms.toFixed(0)} ms (${fmt(load.a)} vs ${fmt(load.b)})`,
  'reported',
  null,
);

console.log('Preflight');
const pre = await benchPreflight();
results.preflight = pre;
row(
  'preflight, one check +500 ms',
  `${fmt(pre.delayed.a)} vs that check alone ${fmt(pre.delayed.b)} → ${pre.delayed.ratio.toFixed(2)}×`,
  '≈ 1.0×',
  pre.delayed.ratio <= 1.1,
);
const hungBudget = pre.hung.timeoutMs * pre.hung.attempts + 1_000 + 1_500; // attempts × timeout, backoff, 1 s
row(
  'preflight, hung server',
  `aborted after ${(pre.hung.ms / 1000).toFixed(1)} s (${pre.hung.attempts} attempts × ${pre.hung.timeoutMs / 1000} s timeout)`,
  `≤ attempts × timeout + backoff + 1 s (${(hungBudget / 1000).toFixed(1)} s)`,
  !pre.hung.ok && pre.hung.ms <= hungBudget,
);

console.log('Repository size (publish on 50,000 files vs 10)');
const repo = await benchRepoSize();
results.repoSize = repo;
row('publish, 50,000-file repo', `${fmt(repo.a)} vs ${fmt(repo.b)} → ${repo.ratio.toFixed(2)}×`, '≤ 1.5×', repo.ratio <= 1.5);

console.log("The agent's scratch copy and the safe read-back");
const scratch = await benchScratch();
results.scratch = scratch;
row(
  'scratch copy + record, 50,000-file repo',
  `${fmt(scratch.copy.a)} vs git archive | tar ${fmt(scratch.copy.b)} → ${scratch.copy.ratio.toFixed(2)}×`,
  '≤ 2×',
  scratch.copy.ratio <= 2,
);
row(
  'read-back of a 1 MB plan without following links (×200)',
  `${fmt(scratch.read.a)} vs readFile ${fmt(scratch.read.b)} → ${scratch.read.ratio.toFixed(2)}×`,
  '≤ 2×',
  scratch.read.ratio <= 2,
);

console.log('Plan size (parse + check + present)');
const sizes = await benchPlanSize();
results.planSize = sizes;
const perTask = sizes.filter((s) => s.tasks >= 1000).map((s) => s.perTaskUs);
const spread = Math.max(...perTask) / Math.min(...perTask);
for (const s of sizes)
  row(
    `plan of ${s.tasks} tasks`,
    `${s.medianMs.toFixed(1)} ms (${s.minMs.toFixed(1)}–${s.maxMs.toFixed(1)}), ${s.perTaskUs.toFixed(0)} µs/task`,
    'µs/task roughly constant',
    null,
  );
row('plan size, cost per task 1,000 → 10,000', `${spread.toFixed(2)}× spread`, '≤ 1.5× (linear)', spread <= 1.5);

await writeFile(path.join(root, 'bench/results.json'), `${JSON.stringify({ ...results, table: rows }, null, 2)}\n`);
console.log('\n| measure | result | target | met |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.measure} | ${r.result} | ${r.target} | ${r.met === null ? '' : r.met ? 'yes' : 'no'} |`);
console.log('\nWrote bench/results.json');
