// When something goes wrong — the research server, the agent, GitHub itself — the maintainer
// reads what happened in the status comment on the issue, nothing half-done is published, and
// GitHub's transient faults are ridden out without duplicates.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CommandRunner } from '../../src/agent/command.js';
import { pullRequestAlreadyExists, secondaryRateLimit, serverError } from '../support/fake-github/index.js';
import { ActionScenario, dispatchEvent, PLAN_MARKER, RESEARCH_GOAL, SCRIPTED_AGENT, STATUS_MARKER } from '../support/action-harness.js';
import { scenariosPerTest } from '../support/scenario-per-test.js';

const PULLS_ROUTE = '/repos/{owner}/{repo}/pulls';

const create = scenariosPerTest();

/** No plan branch on origin, no pull request, no plan comment anywhere. */
async function expectNothingPublished(s: ActionScenario) {
  expect(await s.git.remoteHead(s.planBranch)).toBeNull();
  expect(s.fake.pulls(s.repo)).toEqual([]);
  expect(s.fake.requestsTo('POST', PULLS_ROUTE)).toEqual([]);
  for (const [number] of s.fake.state.mustRepo(s.repo).issues) expect(s.marked(number, PLAN_MARKER)).toEqual([]);
}

function statusComment(s: ActionScenario) {
  const status = s.marked(s.issueNumber, STATUS_MARKER);
  expect(status).toHaveLength(1);
  return status[0]!.body;
}

describe('the request names nothing to plan', () => {
  it('a manual run with an issue number that does not exist fails with a message naming it, and writes nothing', async () => {
    const s = await create({
      event: dispatchEvent({ 'issue-number': '99' }),
      issue: { number: 7, title: 'Label smoothing', body: RESEARCH_GOAL },
    });
    await expect(s.runInProcess()).rejects.toThrow(
      'octo-org/octo-repo#99 does not exist (or the token cannot see it); check the issue number.',
    );
    expect(s.fake.writes()).toEqual([]);
    expect(s.wild.requests).toEqual([]);
  });

  it('a manual run with issue-number "0x7" fails naming the input, before a single API call (Number() would have planned #7)', async () => {
    const s = await create({
      event: dispatchEvent({ 'issue-number': '0x7' }),
      issue: { number: 7, title: 'Label smoothing', body: RESEARCH_GOAL },
    });
    const { result } = await s.runInProcess();
    expect(result).toMatchObject({ status: 'failed', fail: true });
    expect(result.message).toBe(
      'the workflow_dispatch input `issue-number` "0x7" is not an issue number: give the issue\'s number in plain digits, like 12 or #12 (from 1 to 2147483647)',
    );
    expect(result.summary).toContain('### ❌ wild-plan failed');
    expect(s.fake.requests).toEqual([]);
    expect(s.fake.writes()).toEqual([]);
    expect(s.wild.requests).toEqual([]);
    expect(await s.git.remoteHead('wild-plan/issue-7')).toBeNull();
  });
});

describe('the permission check fails', () => {
  const PERMISSION_ROUTE = '/repos/{owner}/{repo}/collaborators/{username}/permission';

  /** Failed, not a green skip, and nothing written: not even the status comment. */
  async function expectFailedUntouched(s: ActionScenario, message: string) {
    const { result } = await s.runInProcess();
    expect(result).toMatchObject({ status: 'failed', fail: true });
    expect(result.message).toContain(message);
    expect(result.summary).toContain('### ❌ wild-plan failed');
    expect(s.fake.requests.map((r) => r.operationId).every((id) => id === 'repos/get-collaborator-permission-level')).toBe(true);
    expect(s.fake.writes()).toEqual([]);
    expect(s.wild.requests).toEqual([]);
    await expectNothingPublished(s);
    return result.message;
  }

  it('GitHub answers 500 (after the retries): failed with the status in the message, zero writes', async () => {
    const s = await create();
    const fault = s.fake.inject({ method: 'GET', route: PERMISSION_ROUTE, times: Infinity, ...serverError(500) });
    const message = await expectFailedUntouched(
      s,
      "could not check Codertocat's permission: GitHub answered 500 (Server Error); refusing to run",
    );
    expect(fault.hits).toBeGreaterThan(1);
    // The token's permissions are not the problem, so the message does not send anyone to change them.
    expect(message).not.toContain('permissions:');
  });

  it('GitHub answers 403 "Resource not accessible by integration": failed, with the workflow permissions hint', async () => {
    const s = await create();
    s.fake.inject({
      method: 'GET',
      route: PERMISSION_ROUTE,
      times: Infinity,
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user',
        status: '403',
      },
    });
    const message = await expectFailedUntouched(
      s,
      "could not check Codertocat's permission: GitHub answered 403 (Resource not accessible by integration)",
    );
    expect(message).toContain('Give the workflow `permissions: contents: read` or more and re-run');
  });

  it('GitHub answers 404 (not a collaborator, as its docs say): still a skip, as for no access', async () => {
    const s = await create();
    s.fake.inject({
      method: 'GET',
      route: PERMISSION_ROUTE,
      times: Infinity,
      status: 404,
      body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
    });
    const { result } = await s.runInProcess();
    expect(result).toMatchObject({ status: 'skipped', fail: false });
    expect(result.message).toContain('Codertocat is not a collaborator on');
    expect(s.fake.writes()).toEqual([]);
    await expectNothingPublished(s);
  });
});

describe('research server preflight fails', () => {
  it('server down: aborted, no agent run, the status comment shows the preflight table and the abort checklist', async () => {
    const s = await create();
    await s.wild.setFault('*', { kind: 'down' });

    const { result, logs } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'aborted', fail: true });
    expect(result.message).toContain(`the research server at ${s.wild.url} failed preflight`);
    expect(logs.some((l) => l.level === 'group' && l.message.startsWith('Agent'))).toBe(false);
    await expectNothingPublished(s);
    expect(s.fake.violations).toEqual([]);
    const body = statusComment(s);
    expect(body).toContain('### ⛔ Planning aborted: the research server failed preflight');
    expect(body).toContain('| check | path | result | status | ms | attempts | reason |');
    expect(body).toMatch(/\| system-health \| `\/wild\/v2\/system-health` \| ❌ \|/);
    expect(body).toContain('connection refused');
    expect(body).toContain('<details><summary>Abort checklist</summary>');
    expect(body).toContain('ABORT_EARLY_DOCS_CHECK_FAILED');
    expect(body).toContain('- [x]');
  });

  it('wrong server token (401): aborted before the agent, and the step fails by default', async () => {
    const s = await create({ inputs: { 'server-token': 'not-the-servers-token' } });

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'aborted', fail: true });
    await expectNothingPublished(s);
    // Only our own requests reached the server — the planning prompt (public), then the four
    // preflight checks it names: no agent followed them.
    expect(s.wild.requests.map((r) => r.path).sort()).toEqual([
      '/docs',
      '/openapi.json',
      '/prompt-skills',
      '/prompt-skills/wild_v2_planning',
      '/wild/v2/system-health',
    ]);
    const body = statusComment(s);
    expect(body).toMatch(/\| system-health \| `\/wild\/v2\/system-health` \| ❌ \| 401 \|/);
    expect(body).toContain('server-token');
    expect(body).toContain('ABORT_EARLY_DOCS_CHECK_FAILED');
  });

  it('with fail-on-abort false the step passes but still reports the abort', async () => {
    const s = await create({ inputs: { 'fail-on-abort': 'false' } });
    await s.wild.setFault('/wild/v2/system-health', { kind: 'status', statuses: [503, 503, 503] });
    const { result } = await s.runInProcess();
    expect(result).toMatchObject({ status: 'aborted', fail: false });
    await expectNothingPublished(s);
    expect(statusComment(s)).toContain('### ⛔ Planning aborted');
  });
});

describe('the agent fails', () => {
  it('crash: the status comment shows the error, nothing is published', async () => {
    const s = await create({ agentMode: 'crash' });

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'failed', fail: true });
    expect(result.message).toContain('The agent exited with code 3');
    await expectNothingPublished(s);
    expect(s.fake.violations).toEqual([]);
    const body = statusComment(s);
    expect(body).toContain('### ❌ wild-plan failed');
    expect(body).toContain('The agent exited with code 3');
    expect(body).toContain('scripted-agent: simulated crash: model provider returned 500');
  });

  it('garbage output: invalid, nothing published, and the bytes it printed are fenced and cleaned in the comment', async () => {
    const s = await create({ agentMode: 'garbage' });

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'invalid', fail: true });
    await expectNothingPublished(s);
    expect(s.fake.violations).toEqual([]);
    const body = statusComment(s);
    expect(body).toContain('### ⚠️ No usable plan');
    expect(body).toContain('The agent gave no plan: no <plan>…</plan> in its output');
    // Terminal escapes and NUL bytes from the agent never reach the issue.
    expect(body).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    // Everything after our own headline quotes the agent, inside a code fence.
    expect(body).toMatch(/\nThe agent gave no plan: [^\n]*\n\n`{3,}\nThe end of its output:\n/);
  });

  it('an agent that dumps its environment and crashes: neither token is in it, so neither reaches the issue', async () => {
    const dump = `node -e "console.error(JSON.stringify(process.env)); process.exit(2)"`;
    for (const proxy of ['true', 'false']) {
      const s = await create({ inputs: { 'agent-command': dump, 'server-proxy': proxy } });

      const { result } = await s.runInProcess();

      expect(result).toMatchObject({ status: 'failed', fail: true });
      const body = statusComment(s);
      expect(body).toContain('"WILD_SESSION_ID"');
      // Without the proxy the agent holds the server token (WILD_AUTH_TOKEN); what it prints is redacted.
      expect(body.includes('"WILD_AUTH_TOKEN":"[REDACTED:secret]"')).toBe(proxy === 'false');
      for (const secret of [s.serverToken, s.githubToken]) {
        expect(body).not.toContain(secret);
        expect(result.message + result.summary).not.toContain(secret);
      }
    }
  });

  it('a plan that breaks the contract with strict-plan on: invalid, nothing published', async () => {
    const s = await create({ agentMode: 'invalid-plan', inputs: { 'strict-plan': 'true' } });
    const { result } = await s.runInProcess();
    expect(result).toMatchObject({ status: 'invalid', fail: true });
    await expectNothingPublished(s);
    expect(statusComment(s)).toContain('`strict-plan` is on');
  });
});

describe('the run is cancelled', () => {
  it('while the agent works: the agent is stopped, nothing is published, the status comment says cancelled', async () => {
    const s = await create();
    const controller = new AbortController();
    // The hanging agent, with a short grace between SIGTERM and SIGKILL.
    const runner = new CommandRunner({ command: `node ${SCRIPTED_AGENT} --mode hang`, killGraceMs: 100 });
    const running = s.runInProcess({ runner, signal: controller.signal });
    while (!s.marked(s.issueNumber, STATUS_MARKER)[0]?.body.includes('is planning')) await sleep(10);
    controller.abort();

    const { result } = await running;

    expect(result).toMatchObject({ status: 'failed', fail: true, message: 'The run was cancelled.' });
    await expectNothingPublished(s);
    expect(s.marked(s.issueNumber, STATUS_MARKER)).toHaveLength(1);
    expect(statusComment(s)).toContain('### ⏹️ The run was cancelled before it finished');
    expect(s.fake.violations).toEqual([]);
  });
});

describe('GitHub faults', () => {
  it('a 502 on creating the PR is retried: one PR, and the run succeeds', async () => {
    const s = await create();
    const fault = s.fake.inject({ method: 'POST', route: PULLS_ROUTE, ...serverError(502) });

    const { result } = await s.runInProcess();

    expect(fault.hits).toBe(1);
    expect(result).toMatchObject({ status: 'planned', prNumber: 2 });
    expect(s.fake.requestsTo('POST', PULLS_ROUTE)).toHaveLength(2);
    expect(s.fake.pulls(s.repo)).toHaveLength(1);
    expect(s.marked(2, PLAN_MARKER)).toHaveLength(1);
    expect(statusComment(s)).toContain('### ✅ Plan ready: [#2]');
    expect(s.fake.violations).toEqual([]);
  });

  it('a 502 after GitHub did create the PR: the retry meets "already exists" and updates that PR', async () => {
    const s = await create();
    let created = 0;
    s.fake.inject({
      method: 'POST',
      route: PULLS_ROUTE,
      ...serverError(502),
      // GitHub opened the pull request, then the gateway lost the answer.
      sideEffect: async () => {
        created = (
          await s.fake.addPullRequest(s.repo, {
            title: 'Plan: (lost answer)',
            head: s.planBranch,
            base: s.defaultBranch,
            user: 'github-actions[bot]',
          })
        ).number;
      },
    });

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'planned', prNumber: created });
    const pulls = s.fake.pulls(s.repo);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.title).toBe('Plan: Spelling error in the README file');
    expect(s.marked(created, PLAN_MARKER)).toHaveLength(1);
    expect(s.fake.violations).toEqual([]);
  });

  it('a concurrent run opened the PR first (422 already exists): that PR is updated, not duplicated', async () => {
    const s = await create();
    let raced = 0;
    s.fake.inject({
      method: 'POST',
      route: PULLS_ROUTE,
      ...pullRequestAlreadyExists(`${s.owner}:${s.planBranch}`),
      sideEffect: async () => {
        raced = (
          await s.fake.addPullRequest(s.repo, {
            title: 'Plan: from the other run',
            head: s.planBranch,
            base: s.defaultBranch,
            user: 'github-actions[bot]',
          })
        ).number;
      },
    });

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'planned', prNumber: raced });
    expect(s.fake.pulls(s.repo)).toHaveLength(1);
    expect(s.fake.pulls(s.repo)[0]!.title).toBe('Plan: Spelling error in the README file');
    expect(s.fake.violations).toEqual([]);
  });

  it("GitHub's secondary rate limit on the status comment is waited out, and the comment posted once", async () => {
    const s = await create();
    const fault = s.fake.inject({
      method: 'POST',
      route: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      ...secondaryRateLimit(1),
    });

    const { result, logs } = await s.runInProcess();

    expect(fault.hits).toBe(1);
    expect(result.status).toBe('planned');
    expect(logs.some((l) => l.level === 'warning' && l.message.startsWith('GitHub secondary rate limit on POST'))).toBe(true);
    expect(s.marked(1, STATUS_MARKER)).toHaveLength(1);
    expect(s.fake.violations).toEqual([]);
  });

  it('a GitHub outage on the plan comment fails the run and says so in the status comment', async () => {
    const s = await create();
    s.fake.inject({
      method: 'POST',
      route: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
      times: Infinity,
      ...serverError(503),
      when: (r) => r.params.issue_number === '2',
    });

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'failed', fail: true });
    const body = statusComment(s);
    expect(body).toContain('### ❌ wild-plan failed');
    expect(s.fake.violations).toEqual([]);
  });
});
