// The whole action (`node dist/index.js`) on the happy path, against a floor script that
// does the same raw work with plain tools; GitHub API calls per run; peak memory.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionScenario, DIST_ENTRY, SCRIPTED_AGENT } from '../test/support/action-harness.js';
import { runProcess } from './process.js';
import { figure, type Figure } from './stats.js';

/** Requests by kind ("POST /repos/{owner}/{repo}/issues/{issue_number}/comments"). */
function countByKind(requests: ReadonlyArray<{ method: string; route?: string; path: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const kind = `${r.method} ${r.route ?? r.path}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

async function runAction(scenario: ActionScenario, measureRss = false) {
  const env = await scenario.environment();
  const run = await runProcess([process.execPath, DIST_ENTRY], { env, cwd: scenario.workdir, measureRss });
  if (run.code !== 0) throw new Error(`the action failed in the benchmark:\n${run.stdout}\n${run.stderr}`);
  return run;
}

/**
 * The floor: what any tool must do for the same result — the four preflight GETs, the same
 * agent, `git checkout -b`/`add`/`commit`/`push` of the two files, and the same GitHub API
 * requests replayed with curl.
 */
async function floorScript(scenario: ActionScenario, requests: ReadonlyArray<{ method: string; path: string; body: unknown }>): Promise<string> {
  const dir = path.join(scenario.dir, 'floor');
  const prompt = path.join(scenario.dir, 'floor-prompt.md');
  const w = scenario.wild.url;
  await writeFile(
    prompt,
    `## Goal\n\nbench\n\nYour working directory is \`${scenario.workdir}\`.\n\n0. Server preflight must pass before planning\n\`\`\`bash\n${['/docs', '/openapi.json', '/prompt-skills', '/wild/v2/system-health'].map((p) => `curl -sf ${w}${p} >/dev/null`).join('\n')}\n\`\`\`\n`,
  );
  const api = requests
    .map((r) => {
      const data = r.body === undefined || r.body === null ? '' : ` --data-binary ${shellQuote(JSON.stringify(r.body))}`;
      return `curl -s -o /dev/null -X ${r.method} -H "Authorization: token ${scenario.githubToken}" -H "Accept: application/vnd.github+json"${data} ${shellQuote(scenario.fake.url + r.path)}`;
    })
    .join('\n');
  const script = `set -e
cd ${shellQuote(scenario.workdir)}
for p in /docs /openapi.json /prompt-skills /wild/v2/system-health; do curl -sf "${w}$p" >/dev/null; done
WILD_TASKS_PATH=${shellQuote(path.join(dir, 'tasks.md'))} node ${shellQuote(SCRIPTED_AGENT)} < ${shellQuote(prompt)} >/dev/null
git checkout -q -b floor-$RANDOM
mkdir -p .wild/floor && cp ${shellQuote(path.join(dir, 'tasks.md'))} .wild/floor/tasks.md && echo '# Playbook' > .wild/floor/prompt_skill_playbook.md
git add .wild/floor/tasks.md .wild/floor/prompt_skill_playbook.md
git -c user.name=bench -c user.email=bench@example.com commit -q -m floor
git push -q origin HEAD
${api}
`;
  const file = path.join(scenario.dir, 'floor.sh');
  await writeFile(file, script);
  return file;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export interface ActionBench {
  overhead: { action: Figure; floor: Figure; ratio: number };
  apiCalls: { firstRun: number; reRun: number; firstByKind: Record<string, number>; reRunByKind: Record<string, number> };
  memory: { happyKb: number; hugeTranscriptKb: number };
}

export async function benchAction(runs = 5): Promise<ActionBench> {
  const actionMs: number[] = [];
  const floorMs: number[] = [];
  let apiCalls: ActionBench['apiCalls'] | undefined;
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
      const floor = await ActionScenario.create({ serverAuth: false });
      try {
        const script = await floorScript(floor, firstRequests);
        const floorRun = await runProcess(['bash', script], { cwd: floor.workdir });
        if (floorRun.code !== 0) throw new Error(`the floor script failed: ${floorRun.stderr}`);
        if (i > 0) {
          actionMs.push(first.ms); // round 0 warms the file cache and is not counted
          floorMs.push(floorRun.ms);
        }
      } finally {
        await floor.dispose();
      }
    } finally {
      await scenario.dispose();
    }
  }
  const memory = await benchMemory();
  const action = figure(actionMs);
  const floor = figure(floorMs);
  return { overhead: { action, floor, ratio: action.median / floor.median }, apiCalls: apiCalls!, memory };
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
