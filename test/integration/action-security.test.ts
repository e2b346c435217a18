// The security building blocks, wired into a whole action run (runAction in process, the
// production client at the fake GitHub): a checkout that persisted the token stops the run
// before anything starts; what the agent prints is redacted (the tokens, its provider key,
// token-shaped strings) before it is posted; text from outside is printed inert; the job
// summary and the `agent-stats` output say what the agent did and whether it ran as a user of
// its own. The built action's side of isolation is in test/e2e/action.test.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { basicCredential } from '../../src/git/auth.js';
import { isUntrustedBlock } from '../../src/security/log-safety.js';
import { ActionScenario, STATUS_MARKER } from '../support/action-harness.js';
import { scenariosPerTest } from '../support/scenario-per-test.js';
import { expectedIsolation, RUN_USER, uidOf } from '../support/isolation-machine.js';
import { runnerCommands } from '../support/workflow-commands.js';

const create = scenariosPerTest();
afterEach(() => {
  delete process.env.WILD_TEST_PROVIDER_KEY;
});

function statusComment(s: ActionScenario) {
  const status = s.marked(s.issueNumber, STATUS_MARKER);
  expect(status).toHaveLength(1);
  return status[0]!.body;
}

describe('a checkout that kept the token', () => {
  it('stops the run before the preflight and the agent, saying to set persist-credentials: false', async () => {
    const s = await create();
    // What actions/checkout leaves without `persist-credentials: false`.
    await s.git.git(s.workdir, [
      'config',
      '--local',
      'http.https://github.com/.extraheader',
      `AUTHORIZATION: basic ${basicCredential(s.githubToken)}`,
    ]);

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'failed', fail: true });
    expect(result.message).toContain('http.https://github.com/.extraheader in .git/config (an Authorization header)');
    expect(result.message).toContain('Set `persist-credentials: false` on actions/checkout');
    expect(s.wild.requests).toEqual([]); // no preflight, so no agent either
    expect(existsSync(join(s.workdir, '.wild'))).toBe(false);
    const body = statusComment(s);
    expect(body).toContain('### ❌ wild-plan failed');
    expect(body).toContain('persist-credentials: false');
    for (const secret of [s.githubToken, basicCredential(s.githubToken)]) expect(body + result.summary).not.toContain(secret);
  });
});

describe('what the agent prints', () => {
  it('is posted with its provider key (agent-env) and any token-shaped string redacted', async () => {
    const key = `provider-key-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    process.env.WILD_TEST_PROVIDER_KEY = key;
    const pat = `ghp_${'a1B2'.repeat(9)}`;
    const leak = `node -e "console.error('key=' + process.env.WILD_TEST_PROVIDER_KEY + ' pat=${pat}'); process.exit(2)"`;
    const s = await create({ inputs: { 'agent-command': leak, 'agent-env': 'WILD_TEST_PROVIDER_KEY' } });

    const { result, logs } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'failed', fail: true });
    const body = statusComment(s);
    expect(body).toContain('key=[REDACTED:secret] pat=[REDACTED:github-token]');
    const everything = [
      body,
      result.message,
      result.summary,
      ...logs.map((l) => l.message),
      JSON.stringify(s.fake.requests.map((r) => r.body ?? null)),
    ].join('\n');
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(pat);
  });

  it('reaches the log inert: paths the agent asked the proxy for cannot run as workflow commands', async () => {
    const hostile = `node -e "fetch(process.env.WILD_SERVER_URL + '/::error::pwned').finally(() => process.exit(2))"`;
    const s = await create({ inputs: { 'agent-command': hostile } });

    const { logs } = await s.runInProcess();

    const proxyLines = logs.filter((l) => l.message.includes('pwned'));
    expect(proxyLines.length).toBeGreaterThan(0);
    for (const line of proxyLines) expect(isUntrustedBlock(line.message), line.message).toBe(true);
    expect(runnerCommands(logs.map((l) => l.message).join('\n'))).toEqual({ commands: [], stopped: false });
  });
});

describe('the job summary and the agent-stats output', () => {
  it('name the agent and its run, and how it ran: as a user of its own where the machine allows it', async () => {
    const s = await create();

    const { result, logs } = await s.runInProcess({ isolateAgent: true });

    expect(result.status).toBe('planned');
    const stats = JSON.parse(result.agentStats ?? 'null') as Record<string, unknown>;
    expect(stats).toMatchObject({ agent: 'command' });
    expect(stats.wallTimeMs).toEqual(expect.any(Number));
    expect(result.summary).toContain('### Agent');
    // Only the columns the agent reported: a command agent reports none beyond its wall time.
    expect(result.summary).toMatch(/^\| Agent \| Wall time \|\n\| --- \| ---: \|\n\| `command` \| \d+(\.\d)? s \|$/m);
    // The agent worked in a scratch copy: the checkout holds no plan files (write-plan-files is off).
    expect(existsSync(join(s.workdir, '.wild'))).toBe(false);
    if (expectedIsolation === 'user') {
      const line =
        /^🔒 \*\*Isolated:\*\* the agent runs as the unprivileged user (wild-agent-[0-9a-f]{8}) of this run \(uid \d+, .*$/m.exec(
          result.summary,
        );
      expect(line, result.summary).not.toBeNull();
      expect(line![1]).toMatch(RUN_USER);
      expect(logs).toContainEqual({ level: 'info', message: expect.stringContaining(`the unprivileged user ${line![1]} of this run`) });
      // The run's user went with the run.
      expect(uidOf(line![1]!)).toBeNull();
    } else if (expectedIsolation === 'namespace') {
      expect(result.summary).toMatch(
        /^🔒 \*\*Sandboxed:\*\* the agent runs as this job's user \(uid \d+; .*\) in namespaces of its own: /m,
      );
    } else {
      expect(result.summary).toMatch(/^⚠️ \*\*Not isolated:\*\* the agent runs as this job's user: /m);
      expect(logs).toContainEqual({ level: 'warning', message: expect.stringContaining("the agent runs as this job's user") });
    }
  });

  it('say nothing of isolation when it was turned off, and the log says it is off', async () => {
    const s = await create();

    const { result, logs } = await s.runInProcess();

    expect(result.status).toBe('planned');
    expect(result.summary).toContain('### Agent');
    expect(result.summary).not.toMatch(/Isolated:|Not isolated:/);
    expect(logs).toContainEqual({ level: 'info', message: "Agent isolation is off: the agent runs as this process's user." });
  });
});
