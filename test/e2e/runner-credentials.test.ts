// The built action (dist/index.js) run as GitHub runs it, with credentials in its environment
// that wild-plan was never told about: the runner's own ACTIONS_RUNTIME_TOKEN and a secret the
// workflow put in the step's `env:`. An agent that found them prints them in its plan (as they
// are and in base64), its summary and its playbook. None of it may leave the process: not in a
// commit on origin, a request to GitHub, an output, the job summary, or the log — bar the
// `::add-mask::` lines that register them with the runner.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIST_ENTRY } from '../support/action-harness.js';
import { scenariosPerTest } from '../support/scenario-per-test.js';

const AGENT = fileURLToPath(new URL('../support/echo-secret-agent.mjs', import.meta.url));
const TIMEOUT = 90_000;

beforeAll(() => {
  if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} is missing; dist/ is committed — run npm run build`);
});

const scenario = scenariosPerTest();

describe('credentials the runner holds, unknown to wild-plan', () => {
  it(
    'ACTIONS_RUNTIME_TOKEN and an env: secret the agent prints are committed, posted, output, summarised and logged nowhere',
    async () => {
      // Not shaped like any known token: only knowing the environment can catch them.
      const runtime = `rt-${randomBytes(16).toString('hex')}`;
      const service = `svc-${randomBytes(16).toString('hex')}`;
      const s = await scenario({ inputs: { 'agent-command': `node ${AGENT} ${runtime} ${service}` } });
      const run = await s.runDist({
        env: {
          ACTIONS_RUNTIME_TOKEN: runtime,
          MY_SERVICE_TOKEN: service,
          // Not credentials, though the names hold TOKEN or KEY: their values must survive.
          'INPUT_TOKEN-USAGE': 'true',
          DEPLOY_KEY_FILE: 'exp/notes/code_map.md',
        },
      });

      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.outputs.status).toBe('planned');

      // Registered with the runner, so its log masking covers them too.
      for (const value of [runtime, service]) expect(run.stdout).toContain(`::add-mask::${value}\n`);

      const unmasked = `${run.stdout}\n${run.stderr}`
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n');
      const githubBodies = JSON.stringify(s.fake.requests.map((r) => r.body ?? null));
      const origin = await s.originDump();
      const outputs = JSON.stringify(run.outputs);
      for (const value of [runtime, service]) {
        for (const form of [value, Buffer.from(value).toString('base64'), Buffer.from(`ci:${value}`).toString('base64')]) {
          expect(origin, 'a commit on origin').not.toContain(form);
          expect(githubBodies, 'a request to GitHub').not.toContain(form);
          expect(outputs, 'an output').not.toContain(form);
          expect(run.summary, 'the job summary').not.toContain(form);
          expect(unmasked, 'the log').not.toContain(form);
        }
      }

      // Redacted in place, not dropped: the task and the agent's summary are still there.
      const tasks = await s.git.git(s.git.origin, ['show', `${s.planBranch}:.wild/plans/issue-1/tasks.md`]);
      // (The base64 forms lose the part that encodes the secret; `ci:`'s own characters stay.)
      expect(tasks).toMatch(
        /\(authenticate with \[REDACTED:secret\] and \[REDACTED:secret\]; base64: \w*\[REDACTED:secret\]\w* \w*\[REDACTED:secret\]\w*\)/,
      );
      // A value that is not a credential is left alone, under any name.
      expect(tasks).toContain('| deliverable: exp/notes/code_map.md |');
      expect(run.summary).toContain("the runner's credential is [REDACTED:secret] and [REDACTED:secret]");
      expect(JSON.parse(run.outputs['plan-json'] ?? 'null')).toMatchObject({ counts: { phases: 5 } });
    },
    TIMEOUT,
  );
});
