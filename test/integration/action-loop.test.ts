// From approved plan to running loop, through the action against the research server fake
// (plans and the Wild Loop with their state rules, and a loop the test advances): the plan is
// registered once across re-plans, an approval mirrors on the server, `/wild-plan run` starts the
// loop with every reviewed task, pause/resume/stop/steer reach the same chat session, status
// shows progress and drift, a schedule syncs every live loop; readers change nothing, and a
// server that is down fails the command without a comment claiming a loop runs.
import { describe, expect, it } from 'vitest';
import { chatSessionFor } from '../../src/action/loop-words.js';
import { parsePlan } from '../../src/plan/parse.js';
import { PLAN_MARKER, type ActionScenario } from '../support/action-harness.js';
import { scenariosPerTest } from '../support/scenario-per-test.js';

const TASKS = '.wild/plans/issue-1/tasks.md';
const create = scenariosPerTest();

async function planned(options: Parameters<typeof create>[0] = {}): Promise<ActionScenario> {
  const s = await create(options);
  const { result } = await s.runInProcess();
  expect(result).toMatchObject({ status: 'planned', prNumber: 2 });
  return s;
}

const chat = (s: ActionScenario, issue = 1) => chatSessionFor({ owner: s.owner, repo: s.repo.split('/')[1]! }, issue);
const planComment = (s: ActionScenario, pr = 2) => {
  const found = s.marked(pr, PLAN_MARKER);
  expect(found).toHaveLength(1);
  return found[0]!.body;
};
const serverWrites = (s: ActionScenario) =>
  s.wild.requests.filter((r) => r.method !== 'GET' && (r.path.startsWith('/plans') || r.path.startsWith('/wild/v2/')));

async function command(s: ActionScenario, body: string, thread = 2) {
  s.setEvent(s.commentEvent(body, thread));
  return (await s.runInProcess()).result;
}

describe('the plan on the research server', () => {
  it('is registered once across re-plans, its tasks kept current, and a re-plan after approval goes back to draft', async () => {
    const s = await planned();
    expect([...s.wild.plans.values()]).toHaveLength(1);
    const record = [...s.wild.plans.values()][0]!;
    expect(record).toMatchObject({ status: 'draft', session_id: chat(s) });
    expect(record.raw_markdown).toBe(await s.git.remoteFile(s.planBranch, TASKS));
    expect(planComment(s)).toContain(`Plan \`${record.id}\` on the server: a draft waiting for approval`);

    s.setEvent(await s.reviewEvent(2, { state: 'approved', body: 'Ship it.' }));
    expect((await s.runInProcess()).result.status).toBe('approved');
    expect(s.wild.plans.get(record.id)!.status).toBe('approved');

    expect((await command(s, '/wild-plan use five seeds')).status).toBe('planned');
    expect([...s.wild.plans.values()]).toHaveLength(1);
    expect(s.wild.plans.get(record.id)).toMatchObject({ status: 'draft', raw_markdown: await s.git.remoteFile(s.planBranch, TASKS) });
  });

  it('an approval says which revision, by whom, and that the server has it', async () => {
    const s = await planned();
    s.setEvent(await s.reviewEvent(2, { state: 'approved', user: 'octo-lead' }));
    s.fake.setPermission(s.repo, 'octo-lead', 'maintain');

    const { result } = await s.runInProcess();

    expect(result.status).toBe('approved');
    expect(result.message).toMatch(/^Revision 1 of the plan for #1 approved by @octo-lead; the research server has it/);
    const comment = planComment(s);
    expect(comment).toMatch(/approved: revision 1 by @\u200d?octo-lead/);
    expect(s.marked(2, PLAN_MARKER)).toHaveLength(1);
  });

  it('a server without /plans: the comment says so once, and the loop still starts', async () => {
    const s = await planned({ wild: { plans: false } });
    expect(planComment(s)).toContain('keeps no plan records');

    const result = await command(s, '/wild-plan run');

    expect(result.status).toBe('started');
    expect(planComment(s).match(/keeps no plan records/g)).toHaveLength(1);
  });
});

describe('/wild-plan run', () => {
  it('approves the draft, executes it and starts the loop with every reviewed task id; the session id reaches the comment', async () => {
    const s = await planned();
    const tasks = (await s.git.remoteFile(s.planBranch, TASKS))!;
    const ids = parsePlan(tasks).phases.flatMap((p) => p.tasks.map((t) => t.id));

    const result = await command(s, '/wild-plan run');

    expect(result).toMatchObject({ status: 'started', fail: false });
    const start = s.wild.requests.filter((r) => r.method === 'POST' && r.path === '/wild/v2/start');
    expect(start).toHaveLength(1);
    const body = JSON.parse(start[0]!.body) as {
      goal: string;
      chat_session_id: string;
      max_iterations: number;
      evo_sweep_enabled: boolean;
    };
    expect(body).toMatchObject({ chat_session_id: chat(s), max_iterations: 25, evo_sweep_enabled: false });
    for (const id of ids) expect(body.goal).toContain(`[${id}]`);
    expect(body.goal).toContain('## Reviewed plan (adopt it)');
    const session = s.wild.loopSession(chat(s))!;
    expect(result.loopSessionId).toBe(session.session_id);
    expect(planComment(s)).toContain(`session \`${session.session_id}\``);
    expect([...s.wild.plans.values()][0]!.status).toBe('executing');
  });

  it('with a loop already running, asks for --restart instead of replacing it; --restart starts a new session', async () => {
    const s = await planned();
    await command(s, '/wild-plan run');
    const first = s.wild.loopSession(chat(s))!.session_id;

    const again = await command(s, '/wild-plan run');
    expect(again.status).toBe('loop-updated');
    expect(again.message).toContain('/wild-plan run --restart');
    expect(s.wild.requests.filter((r) => r.path === '/wild/v2/start')).toHaveLength(1);

    const restarted = await command(s, '/wild-plan run --restart');
    expect(restarted.status).toBe('started');
    expect(restarted.loopSessionId).not.toBe(first);
  });

  it("a reader's /wild-plan run: skipped, zero writes on GitHub and on the server", async () => {
    const s = await planned();
    s.fake.setPermission(s.repo, 'octo-reader', 'read');
    const githubWrites = s.fake.writes().length;
    const before = serverWrites(s).length;
    s.setEvent(s.commentEvent('/wild-plan run', 2, 'octo-reader'));

    const { result } = await s.runInProcess();

    expect(result.status).toBe('skipped');
    expect(s.fake.writes()).toHaveLength(githubWrites);
    expect(serverWrites(s)).toHaveLength(before);
  });

  it('with the server down: failed, naming the server, and no comment claims a loop runs', async () => {
    const s = await planned();
    const commentBefore = planComment(s);
    await s.wild.setFault('*', { kind: 'down' });

    const result = await command(s, '/wild-plan run');

    expect(result).toMatchObject({ status: 'failed', fail: true });
    expect(result.message).toContain(`The research server at ${s.wild.url}`);
    expect(planComment(s)).toBe(commentBefore);
    expect(planComment(s)).not.toMatch(/Loop running/);
  });

  it('run-on-merge: merging the plan PR starts the loop; without it, a merge starts nothing', async () => {
    const off = await planned();
    off.setEvent(off.pullRequestClosedEvent(2, true));
    expect((await off.runInProcess()).result.status).toBe('skipped');

    const on = await planned({ inputs: { 'run-on-merge': 'true' } });
    on.setEvent(on.pullRequestClosedEvent(2, true));
    expect((await on.runInProcess()).result.status).toBe('started');
    on.setEvent(on.pullRequestClosedEvent(2, false));
    expect((await on.runInProcess()).result.message).toContain('closed without merging');
  });
});

describe('controlling the loop', () => {
  it('pause, resume and stop reach the same chat session, and answer in the one plan comment', async () => {
    const s = await planned();
    await command(s, '/wild-plan run');
    s.wild.advanceLoop(chat(s));

    const pause = s.commentEvent('/wild-plan pause', 2);
    s.setEvent(pause);
    expect((await s.runInProcess()).result.message).toMatch(/Paused by @Codertocat/);
    // The command is acknowledged where it was given, as a /wild-plan comment always is.
    expect(s.fake.comment(pause.payload.comment.id)!.reactions.map((r) => r.content)).toEqual(['eyes']);
    expect(s.wild.loopSession(chat(s))!.status).toBe('paused');
    expect((await command(s, '/wild-plan pause')).message).toMatch(/^Nothing to pause: .* is paused/);
    expect((await command(s, '/wild-plan resume')).message).toMatch(/Resumed by/);
    expect((await command(s, '/wild-plan stop')).message).toMatch(/Stopped by/);
    expect(s.wild.loopSession(chat(s))!.status).toBe('stopped');

    const bodies = s.wild.requests
      .filter((r) => /^\/wild\/v2\/(pause|resume|stop)$/.test(r.path))
      .map((r) => JSON.parse(r.body) as { chat_session_id: string });
    expect(bodies.map((b) => b.chat_session_id)).toEqual([chat(s), chat(s), chat(s)]);
    expect(s.marked(2, PLAN_MARKER)).toHaveLength(1);
    expect(planComment(s)).toContain('**Loop stopped**');
  });

  it('steer while the loop runs goes to /wild/v2/steer; with no loop it re-plans', async () => {
    const s = await planned();
    expect((await command(s, '/wild-plan steer prefer smaller models')).status).toBe('planned');
    expect(s.wild.requests.filter((r) => r.path === '/wild/v2/steer')).toEqual([]);

    await command(s, '/wild-plan run');
    const steered = await command(s, '/wild-plan steer focus on calibration plots');
    expect(steered.status).toBe('loop-updated');
    const steer = s.wild.requests.filter((r) => r.path === '/wild/v2/steer');
    expect(steer).toHaveLength(1);
    expect(JSON.parse(steer[0]!.body)).toEqual({ context: 'focus on calibration plots', chat_session_id: chat(s) });
  });
});

describe('status and drift', () => {
  it('shows progress, the last iteration and whether iteration 0 adopted the reviewed plan', async () => {
    const s = await planned();
    await command(s, '/wild-plan run');
    s.wild.advanceLoop(chat(s), 3);
    // What an iteration's agent does through the server's API: a sweep of its chat session, and one elsewhere.
    for (const chatSessionId of [chat(s), 'someone-else']) {
      const created = await fetch(`${s.wild.url}/sweeps/wild`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': s.serverToken },
        body: JSON.stringify({ name: 'baseline', goal: 'seeds', chat_session_id: chatSessionId }),
      });
      expect(created.status).toBe(200);
    }

    const result = await command(s, '/wild-plan status');

    expect(result.status).toBe('loop-updated');
    const comment = planComment(s);
    expect(comment).toMatch(/Tasks: 1 done · 1 in progress · \d+ open/);
    expect(comment).toContain('Created on the server: 1 sweep, 0 runs.');
    expect(comment).toContain('Iteration 0 adopted approved revision 1. No drift');
    expect(comment).toMatch(/\*\*Iteration 2:\*\* Completed: \[P1-T1\]/);
  });

  it('reports drift when the loop planned on its own and dropped or rewrote reviewed tasks', async () => {
    const s = await planned();
    await command(s, '/wild-plan run');
    s.wild.planLoop(chat(s), { adopt: false });

    await command(s, '/wild-plan status');

    const comment = planComment(s);
    expect(comment).toContain('did not adopt approved revision 1');
    expect(comment).toContain('**Drift from approved revision 1:**');
    expect(comment).toMatch(/Removed \*\*P1-T1\*\*: /);
    expect(comment).toMatch(/- … and \d+ more/);
  });

  it('a schedule banners a plan whose base branch changed a file it names, and takes the banner down when it is gone', async () => {
    const s = await planned();
    const plan = (await s.git.remoteFile(s.planBranch, TASKS))!;
    expect(plan).toContain('configs/');
    s.fake.setComparison(s.repo, s.planBranch, s.defaultBranch, {
      files: [{ filename: 'configs/base.yaml', status: 'modified' }, { filename: 'docs/notes.md' }],
    });
    s.setEvent(s.scheduleEvent());

    const { result } = await s.runInProcess();

    expect(result.message).toContain('The base branch changed files named by the plans of #2.');
    expect(planComment(s)).toContain(`\`${s.defaultBranch}\` changed after revision 1 was planned**, in files the plan names: \`configs\``);
    expect(s.fake.violations).toEqual([]);

    s.fake.setComparison(s.repo, s.planBranch, s.defaultBranch, { files: [{ filename: 'docs/notes.md' }] });
    await s.runInProcess();
    expect(planComment(s)).not.toContain('changed after revision 1');
  });

  it('a schedule brings every live loop into its plan comment, and leaves the rest alone', async () => {
    const s = await planned();
    s.fake.setComparison(s.repo, s.planBranch, s.defaultBranch, { files: [] });
    await command(s, '/wild-plan run');
    s.wild.advanceLoop(chat(s), 2);
    const before = planComment(s);
    const githubCalls = s.fake.requests.length;
    s.setEvent(s.scheduleEvent());

    const { result } = await s.runInProcess();

    expect(result.status).toBe('loop-updated');
    expect(result.message).toContain('#2 (running, iteration');
    expect(planComment(s)).not.toBe(before);
    // One list of pull requests, then per plan PR: its plan comment found, the base compared, the comment edited.
    expect(s.fake.requests.length - githubCalls).toBeLessThanOrEqual(5);
    expect(s.fake.violations).toEqual([]);

    const again = s.fake.requests.length;
    await s.runInProcess();
    expect(s.fake.writes().filter((w) => s.fake.requests.indexOf(w) >= again)).toEqual([]);
  });
});
