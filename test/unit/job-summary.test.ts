import { describe, expect, it } from 'vitest';
import type { ActionContext } from '../../src/action/context.js';
import { renderJobSummary } from '../../src/action/summary.js';
import { agentStatsJson, type AgentRunResult } from '../../src/agent/runner.js';
import { buildGoal } from '../../src/goal.js';
import { parsePlan } from '../../src/plan/parse.js';
import type { AgentRun, PlanOutcome } from '../../src/planning/outcome.js';

const context = { repo: { owner: 'octo-org', repo: 'octo-repo' } } as ActionContext;

/** An invalid run by this agent, or with none, an abort at preflight (no agent ran). */
function outcome(
  over: { agent?: AgentRunResult; isolation?: AgentRun['isolation']; agentChanges?: AgentRun['changes'] } = {},
): PlanOutcome {
  const common = {
    message: 'The agent gave no plan.',
    sessionId: 'wild-0badc0de',
    goal: buildGoal({ title: 'A goal', body: 'Find out.' }),
    preflight: { ok: true, serverUrl: 'http://wild.example', checks: [] },
    tasksPath: '.wild/plans/issue-1/tasks.md',
    playbookPath: '.wild/plans/issue-1/prompt_skill_playbook.md',
    findings: [],
    summary: null,
  };
  if (!over.agent) return { ...common, status: 'aborted', checklist: '', plan: parsePlan(''), run: null };
  const agentRun: AgentRun = {
    result: over.agent,
    serverActivity: null,
    isolation: over.isolation ?? null,
    changes: over.agentChanges ?? null,
  };
  return { ...common, status: 'invalid', plan: null, run: agentRun };
}

const run = (stats: AgentRunResult['stats'], durationMs = 83_400): AgentRunResult => ({
  transcript: '',
  stderrTail: '',
  exitCode: 0,
  signal: null,
  timedOut: false,
  truncated: false,
  durationMs,
  stats,
});

describe('the job summary', () => {
  it("shows the agent's run in one row: name and version, model, wall time, turns, tool calls, tokens", () => {
    const agent = run({
      agent: 'opencode',
      version: '1.18.33',
      model: 'gpt-5.1',
      turns: 7,
      toolCalls: 12,
      inputTokens: 123_456,
      outputTokens: 7_890,
    });
    const text = renderJobSummary(outcome({ agent }), context);
    expect(text).toContain('#### Agent');
    expect(text).toContain('| `opencode` `1.18.33` | `gpt-5.1` | 1 min 23 s | 7 | 12 | 123,456 | 7,890 |');
    expect(agentStatsJson(agent)).toEqual({
      agent: 'opencode',
      version: '1.18.33',
      model: 'gpt-5.1',
      wallTimeMs: 83_400,
      turns: 7,
      toolCalls: 12,
      inputTokens: 123_456,
      outputTokens: 7_890,
    });
  });

  it('keeps a model name the agent reported inside its cell: no pipe, backtick, line break or hidden character gets out', () => {
    const model = 'evil | injected `code`\n### Heading\u202e\u200b';
    const text = renderJobSummary(outcome({ agent: run({ agent: 'codex', model }, 4_200) }), context);
    const row = text.split('\n').find((line) => line.startsWith('| `codex`'))!;
    expect(row).toBe('| `codex` | `evil injected code ### Heading` | 4.2 s | – | – | – | – |');
    expect(text).not.toMatch(/^### Heading/m);
  });

  it('says whether the agent ran as a user of its own, and why not when it did not', () => {
    const isolated = renderJobSummary(
      outcome({
        agent: run(undefined),
        isolation: { isolated: true, kind: 'user', reason: 'the agent runs as the unprivileged user wild-agent-0a1b2c3d of this run' },
      }),
      context,
    );
    expect(isolated).toContain('🔒 **Isolated:** the agent runs as the unprivileged user wild-agent-0a1b2c3d of this run');
    const not = renderJobSummary(
      outcome({
        agent: run(undefined),
        isolation: { isolated: false, kind: 'none', reason: "the agent runs as this job's user: no sudo" },
      }),
      context,
    );
    expect(not).toContain("⚠️ **Not isolated:** the agent runs as this job's user: no sudo");
    expect(renderJobSummary(outcome(), context)).not.toContain('#### Agent'); // no agent ran (aborted at preflight)
  });

  it('says when the agent ran in namespaces of its own rather than as a user of its own', () => {
    const text = renderJobSummary(
      outcome({
        agent: run(undefined),
        isolation: { isolated: true, kind: 'namespace', reason: "the agent runs as this job's user (uid 1001) in namespaces of its own" },
      }),
      context,
    );
    expect(text).toContain("🔒 **Sandboxed:** the agent runs as this job's user (uid 1001) in namespaces of its own");
  });

  it('lists what the agent changed in its copy beyond the plan, as one inert line', () => {
    const agentChanges = {
      added: ['.github/workflows/x.yml', 'evil\n### Heading'],
      modified: ['README.md'],
      deleted: ['src/a.ts'],
      truncated: false,
      description: '2 added (".github/workflows/x.yml", "evil\\n### Heading"); 1 modified ("README.md"); 1 deleted ("src/a.ts")',
    };
    const text = renderJobSummary(outcome({ agent: run(undefined), agentChanges }), context);
    const line = text.split('\n').find((l) => l.startsWith('📝'))!;
    expect(line).toContain('(discarded: not committed, not in the checkout): 2 added (".github/workflows/x.yml"');
    expect(line).toContain('1 modified ("README.md"); 1 deleted ("src/a.ts")');
    expect(text).not.toMatch(/^### Heading/m);
  });
});
