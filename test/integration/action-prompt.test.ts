// The action against a research server that runs the newest planning prompt: wild-plan plans
// with the server's own skill, checks the five preflight lines that version names, and writes
// the playbook section that version requires; a prompt it cannot use fails before anything is
// written. The scripted agent reads the protocol skill and section from the prompt it is given.
import { describe, expect, it } from 'vitest';
import { PLAN_MARKER, STATUS_MARKER, type ActionScenario } from '../support/action-harness.js';
import { scenariosPerTest } from '../support/scenario-per-test.js';

const PLAYBOOK = '.wild/plans/issue-1/prompt_skill_playbook.md';
const FIFTH = '/prompt-skills/wild_v2_execution_ops_protocol';

const create = scenariosPerTest();

function statusComment(s: ActionScenario): string {
  const status = s.marked(s.issueNumber, STATUS_MARKER);
  expect(status).toHaveLength(1);
  return status[0]!.body;
}

describe('a server running the newest planning prompt', () => {
  it("plans with the server's skill: five preflight checks, the Execution Ops Protocol in wild-plan's playbook", async () => {
    const s = await create({ wild: { planning: 'head' } });

    const { result, logs } = await s.runInProcess();

    expect(result.status).toBe('planned');
    expect(logs.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/Planning with the server's skill wild_v2_planning \(upstream ce2938d\)/),
    );
    // wild-plan's own preflight sends the token; the agent's goes through the proxy, which adds it too —
    // so count the fifth path in the preflight table of the job summary, which only wild-plan writes.
    expect(result.summary).toContain(FIFTH);
    const playbook = await s.git.remoteFile(s.planBranch, PLAYBOOK);
    expect(playbook).toContain('## Execution Ops Protocol');
    expect(playbook).toContain("Summary of the server's `wild_v2_execution_ops_protocol` skill");
    expect(playbook).not.toContain('Sweep/Run Audit Protocol');
  });

  it("keeps the agent's own playbook when it has the section this version requires", async () => {
    const s = await create({ wild: { planning: 'head' }, agentMode: 'with-playbook' });

    const { result } = await s.runInProcess();

    expect(result.status).toBe('planned');
    const playbook = await s.git.remoteFile(s.planBranch, PLAYBOOK);
    expect(playbook).toContain('## Execution Ops Protocol');
    expect(playbook).toContain('Read first: GET /prompt-skills/wild_v2_execution_ops_protocol');
    expect(s.wild.requests.some((r) => r.path === FIFTH && r.method === 'GET')).toBe(true);
  });

  it('aborts without running the agent when only the fifth preflight line fails', async () => {
    const s = await create({ wild: { planning: 'head' } });
    await s.wild.setFault(FIFTH, { kind: 'status', statuses: [503, 503, 503, 503, 503, 503] });

    const { result } = await s.runInProcess();

    expect(result.status).toBe('aborted');
    expect(result.message).toContain(FIFTH);
    expect(s.wild.requests.filter((r) => r.path === '/sweeps/wild')).toEqual([]);
    expect(statusComment(s)).toContain('Planning aborted');
  });

  it('with the bundled prompt the playbook keeps the shipped section, and the summary says which prompt ran', async () => {
    const s = await create({ wild: { planning: 'head' }, inputs: { prompt: 'bundled' } });

    const { result } = await s.runInProcess();

    expect(result.status).toBe('planned');
    expect(await s.git.remoteFile(s.planBranch, PLAYBOOK)).toContain('## Sweep/Run Audit Protocol');
    expect(s.wild.requests.filter((r) => r.path === '/prompt-skills/wild_v2_planning')).toEqual([]);
  });
});

describe('a prompt wild-plan cannot use', () => {
  it('prompt: server on a server without the skill fails before the agent, with what to do, and publishes nothing', async () => {
    const s = await create({ wild: { planning: 'absent' }, inputs: { prompt: 'server' } });

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'failed', fail: true });
    expect(result.message).toContain('the server serves no `wild_v2_planning` skill. Use `prompt: auto`');
    expect(result.message).not.toMatch(/\n\s+at /);
    expect(await s.git.remoteHead(s.planBranch)).toBeNull();
    expect(s.fake.pulls(s.repo)).toEqual([]);
    expect(s.marked(s.issueNumber, PLAN_MARKER)).toEqual([]);
    const status = statusComment(s);
    expect(status).toContain('`prompt: server`');
    expect(status).not.toContain('🔄');
    expect(s.wild.requests.filter((r) => r.path === '/docs')).toEqual([]);
  });

  it('auto on a server whose skill declares an unknown variable plans with the bundled prompt and says why', async () => {
    const { readFileSync } = await import('node:fs');
    const head = readFileSync(new URL('../fixtures/wild/versions/wild_v2_planning.head.md', import.meta.url), 'utf8');
    const skillMd = head.replace('  - evo_sweep_section\n', '  - evo_sweep_section\n  - cluster_name\n');
    const s = await create({ wild: { planning: { skillMd } } });

    const { result, logs } = await s.runInProcess();

    expect(result.status).toBe('planned');
    const warnings = logs.filter((l) => l.level === 'warning').map((l) => l.message);
    expect(warnings).toContainEqual(expect.stringContaining('declares `cluster_name`, which nothing supplies'));
    expect(await s.git.remoteFile(s.planBranch, PLAYBOOK)).toContain('## Sweep/Run Audit Protocol');
  });
});
