// Two runs of the BUILT action (node dist/index.js) on the same issue at the same time: the
// label added twice in a row, or a re-run clicked while the first still runs. Same fake GitHub,
// same bare origin, separate runners (workspaces, clones). They must end as one run would:
// one plan branch, one pull request, one plan comment, one status comment, and a branch whose
// head holds a complete plan.
//
// The interleaving is forced, not hoped for:
//   - GitHub traffic goes through a gate in front of the fake that holds each run's first
//     `POST` of the status comment, of the pull request and of the plan comment until both runs
//     have sent theirs, so each run has looked and found nothing before either creates;
//   - origin's pre-receive hook holds the first push of the plan branch until the other run's
//     push has arrived too, so both build on the same base and one of them is refused.
// Each gate must open because both runs arrived, not by its safety timeout: that is asserted.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse.js';
import { ActionScenario, DIST_ENTRY, PLAN_MARKER, STATUS_MARKER, type DistRun } from '../support/action-harness.js';

const TIMEOUT = 120_000;
/** A gate left waiting this long opens anyway, so a broken run fails the test instead of hanging it. */
const SAFETY_MS = 45_000;

beforeAll(() => {
  if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} is missing; dist/ is committed — run npm run build`);
});

interface Gate {
  method: string;
  path: string;
  /** Requests held until this many have arrived. */
  count: number;
  held: Array<() => void>;
  arrived: number;
  /** How it opened: because `count` requests arrived, or by the safety timeout. */
  opened?: 'all-arrived' | 'timeout';
}

/** A pass-through HTTP proxy to `target` that holds the first `count` requests matching each gate. */
async function startGatedProxy(target: string, gates: Gate[]) {
  const upstream = new URL(target);
  const timers = new Set<NodeJS.Timeout>();
  const wait = (gate: Gate) =>
    new Promise<void>((resolve) => {
      gate.arrived++;
      if (gate.arrived > gate.count) return resolve(); // past the gate: straight through
      gate.held.push(resolve);
      if (gate.held.length === gate.count) {
        gate.opened ??= 'all-arrived';
        for (const release of gate.held.splice(0)) release();
        return;
      }
      const timer = setTimeout(() => {
        gate.opened ??= 'timeout';
        for (const release of gate.held.splice(0)) release();
      }, SAFETY_MS);
      timers.add(timer);
    });

  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://gate.invalid').pathname;
    const gate = gates.find((g) => g.method === req.method && g.path === path);
    if (gate) await wait(gate);
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    out.end(Buffer.concat(chunks));
  };
  const server = createServer((req, res) => void forward(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const g of gates) for (const release of g.held.splice(0)) release();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * origin's pre-receive hook: the first two pushes to `branch` each wait (up to the safety time)
 * until both have arrived; later pushes pass. Slots are taken with mkdir, which is atomic.
 * Writes `opened` or `timeout` beside the slots for the test to read.
 */
async function armPushGate(origin: string, dir: string, branch: string): Promise<string> {
  const slots = join(dir, 'push-gate');
  const hook = `#!/bin/sh
hit=
while read -r old new ref; do
  [ "$ref" = 'refs/heads/${branch}' ] && hit=1
done
[ -n "$hit" ] || exit 0
mkdir -p '${slots}'
i=1
while ! mkdir '${slots}/'"$i" 2>/dev/null; do i=$((i + 1)); done
[ "$i" -le 2 ] || exit 0
waited=0
while [ ! -d '${slots}/2' ]; do
  if [ "$waited" -ge ${SAFETY_MS / 100} ]; then echo timeout > '${slots}/result'; exit 0; fi
  sleep 0.1
  waited=$((waited + 1))
done
[ -f '${slots}/result' ] || echo all-arrived > '${slots}/result'
exit 0
`;
  const file = join(origin, 'hooks', 'pre-receive');
  await writeFile(file, hook);
  await chmod(file, 0o755);
  return join(slots, 'result');
}

let scenario: ActionScenario | undefined;
afterEach(async () => {
  await scenario?.dispose();
  scenario = undefined;
});

describe('two runs on one issue at the same time', () => {
  it(
    'end with one branch, one PR, one plan comment, one status comment, and a complete plan at the head',
    async () => {
      const s = (scenario = await ActionScenario.create());
      const issue = `/repos/${s.repo}/issues/${s.issueNumber}/comments`;
      const gates: Gate[] = [
        { method: 'POST', path: issue, count: 2, held: [], arrived: 0 },
        { method: 'POST', path: `/repos/${s.repo}/pulls`, count: 2, held: [], arrived: 0 },
        // The plan PR is the repository's next number after the issue.
        { method: 'POST', path: `/repos/${s.repo}/issues/${s.issueNumber + 1}/comments`, count: 2, held: [], arrived: 0 },
      ];
      const proxy = await startGatedProxy(s.fake.url, gates);
      const pushGate = await armPushGate(s.git.origin, s.dir, s.planBranch);
      const secondRunner = await s.git.clone();
      const env = { GITHUB_API_URL: proxy.url };

      let runs: DistRun[];
      try {
        runs = await Promise.all([s.runDist({ env }), s.runDist({ workspace: secondRunner, env })]);
      } finally {
        await proxy.close();
      }

      // Both runs succeed, each with the same plan branch and PR.
      for (const run of runs) {
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.outputs).toMatchObject({ status: 'planned', branch: s.planBranch, 'pr-number': '2' });
      }
      // The interleavings really happened: every gate opened because both runs were at it.
      expect(gates.map((g) => [g.path, g.opened])).toEqual(gates.map((g) => [g.path, 'all-arrived']));
      expect(await readFile(pushGate, 'utf8')).toBe('all-arrived\n');
      expect(s.fake.violations).toEqual([]);

      // One plan branch on origin, its head a complete plan.
      const branches = (await s.git.git(s.git.origin, ['for-each-ref', '--format=%(refname:short)', 'refs/heads'])).split('\n').sort();
      expect(branches).toEqual([s.defaultBranch, s.planBranch].sort());
      const tasksPath = '.wild/plans/issue-1/tasks.md';
      const tree = await s.git.remoteTree(s.planBranch);
      expect(tree).toEqual(expect.arrayContaining([tasksPath, '.wild/plans/issue-1/prompt_skill_playbook.md']));
      const plan = parsePlan(await s.git.remoteFile(s.planBranch, tasksPath));
      expect(plan.abort).toBe(false);
      expect(plan.phases).toHaveLength(5);
      // One run's push was refused and it rebuilt on the other's commit: the same files, so no second commit.
      expect(await s.git.remoteLog(s.planBranch, s.defaultBranch)).toHaveLength(1);

      // One PR (the second creation met "already exists" and updated it).
      expect(s.fake.pulls(s.repo)).toHaveLength(1);
      expect(
        s.fake
          .requestsTo('POST', '/repos/{owner}/{repo}/pulls')
          .map((r) => r.status)
          .sort(),
      ).toEqual([201, 422]);

      // One status comment and one plan comment: each run that posted a duplicate removed its own.
      const statusComments = s.marked(s.issueNumber, STATUS_MARKER);
      expect(statusComments).toHaveLength(1);
      expect(s.fake.comments(s.repo, s.issueNumber)).toHaveLength(1);
      expect(statusComments[0]!.body).toContain('### ✅ Plan ready: [#2]');
      expect(statusComments[0]!.body).not.toContain('🔄');
      expect(s.marked(2, PLAN_MARKER)).toHaveLength(1);
      expect(s.fake.comments(s.repo, 2)).toHaveLength(1);
      const deletes = s.fake.requestsTo('DELETE', '/repos/{owner}/{repo}/issues/comments/{comment_id}');
      expect(deletes.map((r) => r.status)).toEqual([204, 204]);
      // Each run's outputs link the plan comment that survived.
      const planComment = s.marked(2, PLAN_MARKER)[0]!;
      for (const run of runs) expect(run.outputs['comment-url']).toBe(`${s.fake.htmlUrl}/${s.repo}/pull/2#issuecomment-${planComment.id}`);
    },
    TIMEOUT,
  );
});
