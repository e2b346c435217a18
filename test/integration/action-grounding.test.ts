// Grounding through the action: a plan that names a script the repository lacks, an endpoint the
// server does not serve and a skill it does not ship gets a warning for each, on the plan
// comment and in the outputs; the plan is still published (grounding is never fatal).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLAN_MARKER, SCRIPTED_AGENT } from '../support/action-harness.js';
import { scenariosPerTest } from '../support/scenario-per-test.js';

const UNGROUNDED = fileURLToPath(new URL('../fixtures/plans/ungrounded.md', import.meta.url));
const create = scenariosPerTest();

describe('grounding', () => {
  it('warns of a missing script, a made-up endpoint and a made-up skill, and still publishes the plan', async () => {
    const s = await create({ inputs: { 'agent-command': `node ${SCRIPTED_AGENT} --mode ok --plan-file ${UNGROUNDED}` } });

    const { result } = await s.runInProcess();

    expect(result.status).toBe('planned');
    const findings = (JSON.parse(result.planJson ?? 'null') as { findings: Array<{ rule: string; severity: string; message: string }> })
      .findings;
    const grounding = findings.filter((f) => f.rule.startsWith('grounding-'));
    expect(grounding.every((f) => f.severity === 'warning')).toBe(true);
    const messages = grounding.map((f) => `${f.rule}: ${f.message}`).join('\n');
    expect(messages).toMatch(/grounding-file: .*scripts\/prepare_data\.py/);
    expect(messages).toMatch(/grounding-endpoint: .*\/experiments\/launch/);
    expect(messages).toMatch(/grounding-skill: .*wild_v2_magic_tuner/);
    // The skill the server does ship, and the endpoints it serves, are not findings.
    expect(messages).not.toMatch(/wild_v2_sweep_run_audit_protocol|`POST \/runs`/);
    const comment = s.marked(result.prNumber!, PLAN_MARKER)[0]!.body;
    expect(comment).toContain('wild_v2_magic_tuner');
  });

  it('finds nothing to warn about in a plan that names only what exists or what it creates', async () => {
    const s = await create();

    const { result } = await s.runInProcess();

    const findings = (JSON.parse(result.planJson ?? 'null') as { findings: Array<{ rule: string }> }).findings;
    expect(findings.filter((f) => f.rule.startsWith('grounding-'))).toEqual([]);
  });
});
