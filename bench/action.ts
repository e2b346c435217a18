// The whole action (`node dist/index.js`) on the happy path, against a floor script that
// does the same raw work with plain tools, with and without the agent's own time on each
// side; GitHub API calls per run; where the action's time goes; peak memory.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ActionScenario, DIST_ENTRY, parseOutputFile, SCRIPTED_AGENT } from '../test/support/action-harness.js';
import { runProcess } from './process.js';
import { figure, type Figure } from './stats.js';

interface Request {
  method: string;
  route?: string;
  path: string;
  body: unknown;
}

/** Requests by kind ("POST /repos/{owner}/{repo}/issues/{issue_number}/comments"). */
function countByKind(requests: readonly Request[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const kind = `${r.method} ${r.route ?? r.path}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** One run of the built action; `agentMs` is the agent process's own wall time (its `agent-stats`). */
async function runAction(scenario: ActionScenario, measureRss = false) {
  const env = await scenario.environment();
  const run = await runProcess([process.execPath, DIST_ENTRY], { env, cwd: scenario.workdir, measureRss });
  if (run.code !== 0) throw new Error(`the action failed in the benchmark:\n${run.stdout}\n${run.stderr}`);
  const outputs = parseOutputFile(await readFile(env.GITHUB_OUTPUT!, 'utf8'));
  const agentMs = (JSON.parse(outputs['agent-stats'] ?? '{}') as { wallTimeMs?: number }).wallTimeMs;
  if (typeof agentMs !== 'number') throw new Error(`the action reported no agent wall time: ${outputs['agent-stats']}`);
  return { ...run, agentMs };
}

const PREFLIGHT_PATHS = ['/docs', '/openapi.json', '/prompt-skills', '/wild/v2/system-health'];

/**
 * The floor: what any tool must do for the same result — the four preflight GETs, the same
 * agent (timed on its own), a commit of the two plan files pushed to the same plan branch, and
 * the GitHub requests the action made, replayed with curl in the same order against a fake set
 * up the same way (so the comment ids and the PR number they name are the ones the floor's own
 * requests create). Each replayed answer's status is written to `statuses`, the agent's wall
 * time in ms to `agentMs`.
 */
async function floorScript(scenario: ActionScenario, requests: readonly Request[]) {
  const dir = path.join(scenario.dir, 'floor');
  const prompt = path.join(scenario.dir, 'floor-prompt.md');
  const statuses = path.join(scenario.dir, 'floor-statuses');
  const agentMs = path.join(scenario.dir, 'floor-agent-ms');
  const w = scenario.wild.url;
  const tasks = `.wild/plans/issue-${scenario.issueNumber}`;
  await writeFile(
    prompt,
    `## Goal\n\nbench\n\nYour working directory is \`${scenario.workdir}\`.\n\n0. Server preflight must pass before planning\n\`\`\`bash\n${PREFLIGHT_PATHS.map((p) => `curl -sf ${w}${p} >/dev/null`).join('\n')}\n\`\`\`\n`,
  );
  const api = requests
    .map((r) => {
      const data = r.body === undefined || r.body === null ? '' : ` --data-binary ${shellQuote(JSON.stringify(r.body))}`;
      return `curl -s -o /dev/null -w '%{http_code}\\n' -X ${r.method} -H "Authorization: token ${scenario.githubToken}" -H "Accept: application/vnd.github+json"${data} ${shellQuote(scenario.fake.url + r.path)} >> ${shellQuote(statuses)}`;
    })
    .join('\n');
  const script = `set -e
cd ${shellQuote(scenario.workdir)}
for p in ${PREFLIGHT_PATHS.join(' ')}; do curl -sf "${w}$p" >/dev/null; done
t0=$(date +%s%N)
WILD_TASKS_PATH=${shellQuote(path.join(dir, 'tasks.md'))} node ${shellQuote(SCRIPTED_AGENT)} < ${shellQuote(prompt)} >/dev/null
t1=$(date +%s%N)
echo $(( (t1 - t0) / 1000000 )) > ${shellQuote(agentMs)}
git checkout -q -b ${shellQuote(scenario.planBranch)}
mkdir -p ${tasks} && cp ${shellQuote(path.join(dir, 'tasks.md'))} ${tasks}/tasks.md && echo '# Playbook' > ${tasks}/prompt_skill_playbook.md
git add ${tasks}/tasks.md ${tasks}/prompt_skill_playbook.md
git -c user.name=bench -c user.email=bench@example.com commit -q -m floor
git push -q origin HEAD:refs/heads/${scenario.planBranch}
${api}
`;
  const file = path.join(scenario.dir, 'floor.sh');
  await writeFile(file, script);
  return { file, statuses, agentMs };
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** When the action reached each step, from its log lines as they arrive (ms from start, medians). */
export interface Timeline {
  /** Node started, the pipeline loaded, settings read, the permission checked. */
  permissionChecked: number;
  preflightStarted: number;
  agentStarted: number;
  agentFinished: number;
  publishStarted: number;
  exited: number;
}

const MILESTONES: Array<[keyof Timeline, RegExp]> = [
  ['permissionChecked', / by \S+ \((?:admin|maintain|write)\)$/],
  ['preflightStarted', /^::group::Preflight/],
  ['agentStarted', /^::group::Agent/],
  ['agentFinished', /^agent finished in /],
  ['publishStarted', /^::group::Publish/],
];

async function timedRun(scenario: ActionScenario): Promise<Timeline> {
  const env = await scenario.environment();
  const start = performance.now();
  const seen: Partial<Timeline> = {};
  const child = spawn(process.execPath, [DIST_ENTRY], { env, cwd: scenario.workdir, stdio: ['ignore', 'pipe', 'ignore'] });
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const now = performance.now() - start;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) for (const [name, re] of MILESTONES) if (seen[name] === undefined && re.test(line)) seen[name] = now;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the timed action run failed (exit ${code})`);
  const timeline = { ...seen, exited: performance.now() - start } as Timeline;
  for (const [name] of MILESTONES) if (timeline[name] === undefined) throw new Error(`the timed run never logged ${name}`);
  return timeline;
}

export interface ActionBench {
  overhead: {
    action: Figure;
    floor: Figure;
    ratio: number;
    /** Each side less its agent's own wall time (the agent-stats output; the floor times its agent call). */
    actionWithoutAgent: Figure;
    floorWithoutAgent: Figure;
    ratioWithoutAgent: number;
    /** The floor's replayed GitHub requests, and how many of them GitHub (the fake) refused. */
    floorCalls: { replayed: number; failed: number; statuses: number[] };
  };
  apiCalls: { firstRun: number; reRun: number; firstByKind: Record<string, number>; reRunByKind: Record<string, number> };
  timeline: Timeline;
  memory: { happyKb: number; hugeTranscriptKb: number };
}

export async function benchAction(runs = 5): Promise<ActionBench> {
  const action: number[] = [];
  const floor: number[] = [];
  const actionBare: number[] = [];
  const floorBare: number[] = [];
  const timelines: Timeline[] = [];
  let apiCalls: ActionBench['apiCalls'] | undefined;
  let floorCalls: ActionBench['overhead']['floorCalls'] | undefined;
  for (let i = 0; i <= runs; i++) {
    // Each round: a fresh repository, issue and servers, so every run is a first run.
    const scenario = await ActionScenario.create({ serverAuth: false });
    try {
      const first = await runAction(scenario);
      const firstRequests = [...scenario.fake.requests];
      const reRunStart = scenario.fake.requests.length;
      await runAction(scenario);
      const reRequests = scenario.fake.requests.slice(reRunStart);
      apiCalls ??= {
        firstRun: firstRequests.length,
        reRun: reRequests.length,
        firstByKind: countByKind(firstRequests),
        reRunByKind: countByKind(reRequests),
      };
      const bare = await ActionScenario.create({ serverAuth: false });
      try {
        const script = await floorScript(bare, firstRequests);
        // The environment the action gets (the runner's), not the benchmark's own: the same
        // `node` start-up cost for both agents (NODE_OPTIONS or NODE_EXTRA_CA_CERTS in the
        // caller's environment would slow only the floor's).
        const floorRun = await runProcess(['bash', script.file], { cwd: bare.workdir, env: await bare.environment() });
        if (floorRun.code !== 0) throw new Error(`the floor script failed: ${floorRun.stderr}`);
        const statuses = (await readFile(script.statuses, 'utf8')).trim().split('\n').map(Number);
        const failed = statuses.filter((s) => !(s >= 200 && s < 300)).length;
        // A floor whose requests fail does less than the action (no PR, no comments): not a floor.
        if (failed > 0 || statuses.length !== firstRequests.length) {
          const lines = firstRequests.map((r, k) => `${statuses[k] ?? '-'} ${r.method} ${r.path}`).join('\n');
          throw new Error(`the floor's replayed GitHub requests did not all succeed:\n${lines}`);
        }
        floorCalls ??= { replayed: statuses.length, failed, statuses };
        const floorAgentMs = Number((await readFile(script.agentMs, 'utf8')).trim());
        if (i > 0) {
          // Round 0 warms the file cache and is not counted.
          action.push(first.ms);
          floor.push(floorRun.ms);
          actionBare.push(first.ms - first.agentMs);
          floorBare.push(floorRun.ms - floorAgentMs);
        }
      } finally {
        await bare.dispose();
      }
    } finally {
      await scenario.dispose();
    }
  }
  // Where the time goes: a few more first runs, timed step by step from their log.
  for (let i = 0; i < 3; i++) {
    const scenario = await ActionScenario.create({ serverAuth: false });
    try {
      timelines.push(await timedRun(scenario));
    } finally {
      await scenario.dispose();
    }
  }
  const memory = await benchMemory();
  const a = figure(action);
  const f = figure(floor);
  const aBare = figure(actionBare);
  const fBare = figure(floorBare);
  const timeline = Object.fromEntries(
    [...MILESTONES.map(([name]) => name), 'exited' as const].map((name) => [name, figure(timelines.map((t) => t[name])).median]),
  ) as unknown as Timeline;
  return {
    overhead: {
      action: a,
      floor: f,
      ratio: a.median / f.median,
      actionWithoutAgent: aBare,
      floorWithoutAgent: fBare,
      ratioWithoutAgent: aBare.median / fBare.median,
      floorCalls: floorCalls!,
    },
    apiCalls: apiCalls!,
    timeline,
    memory,
  };
}

/** Peak RSS of the action on the happy path and with a 50 MB agent transcript. */
async function benchMemory(): Promise<ActionBench['memory']> {
  const peak = async (mode: string) => {
    const scenario = await ActionScenario.create({ serverAuth: false, agentMode: mode });
    try {
      return (await runAction(scenario, true)).maxRssKb ?? Number.NaN;
    } finally {
      await scenario.dispose();
    }
  };
  return { happyKb: await peak('ok'), hugeTranscriptKb: await peak('huge') };
}
