import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ActionContext } from '../../src/action/context.js';
import { planCommentBody } from '../../src/action/messages.js';
import { renderJobSummary } from '../../src/action/summary.js';
import { agentStatsJson, type AgentRunResult } from '../../src/agent/runner.js';
import { buildGoal } from '../../src/goal.js';
import { parsePlan } from '../../src/plan/parse.js';
import type { AgentRun, PlanOutcome } from '../../src/planning/outcome.js';
import type { PromptUsed } from '../../src/prompt/used.js';

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
    expect(text).toContain('### Agent');
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
    expect(row).toBe('| `codex` | `evil injected code ### Heading` | 4.2 s |'); // no column without a value
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
    expect(renderJobSummary(outcome(), context)).not.toContain('### Agent'); // no agent ran (aborted at preflight)
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

describe('the job summary keeps the README’s promises', () => {
  const prompt: PromptUsed = {
    source: 'bundled',
    skillId: 'wild_v2_planning',
    sha256: '0123456789abcdef'.repeat(4),
    version: 'upstream ce2938d',
    notice: "the server's skill could not be read (404), so the bundled copy ran",
  };
  const claude = run({
    agent: 'claude-code',
    version: '2.1.332',
    model: 'claude-sonnet-4-5',
    turns: 3,
    toolCalls: 2,
    inputTokens: 360,
    outputTokens: 90,
    costUsd: 0.00243,
    costSource: 'cli',
  });
  const planned = (agent: AgentRunResult = claude): PlanOutcome => {
    const plan = parsePlan(readFileSync(new URL('../fixtures/plans/valid.md', import.meta.url), 'utf8'));
    const base = outcome({ agent });
    return {
      ...base,
      status: 'planned',
      message: 'Planned: 5 phases, 13 tasks, 1 finding to review.',
      plan,
      planMarkdown: '',
      playbook: '',
      findings: [{ rule: 'task-format', severity: 'warning', message: 'one finding', line: 3 }],
      prompt,
      run: { result: agent, serverActivity: 'created 1 sweep, 2 runs; 9 requests', isolation: null, changes: null },
    } as PlanOutcome;
  };
  const links = {
    issueNumber: 7,
    prNumber: 12,
    prUrl: 'https://github.com/octo-org/octo-repo/pull/12',
    commentUrl: 'https://github.com/octo-org/octo-repo/pull/12#issuecomment-5',
  };
  const full = {
    repo: { owner: 'octo-org', repo: 'octo-repo' },
    serverUrl: 'https://github.com',
    runUrl: 'https://github.com/octo-org/octo-repo/actions/runs/9',
  } as ActionContext;

  it('has one top heading and every other heading one level below the one it sits under', () => {
    const text = renderJobSummary(planned(), full, links);
    const levels = [...text.matchAll(/^(#{1,6}) /gm)].map((m) => m[1]!.length);
    expect(levels[0]).toBe(2);
    expect(levels.slice(1).every((level) => level > levels[0]!)).toBe(true);
    levels.slice(1).forEach((level, i) => expect(level, `heading ${i + 2}`).toBeLessThanOrEqual(levels[i]! + 1));
    expect(text).toContain('### Research plan');
    expect(text).not.toMatch(/^## Research plan/m);
  });

  it('shows what the agent did on the research server, and links to the plan PR, its comment, the issue and the run', () => {
    const text = renderJobSummary(planned(), full, links);
    expect(text).toContain('🧪 **On the research server:** created 1 sweep, 2 runs; 9 requests');
    expect(text).toContain('[plan pull request #12](https://github.com/octo-org/octo-repo/pull/12)');
    expect(text).toContain('[plan comment](https://github.com/octo-org/octo-repo/pull/12#issuecomment-5)');
    expect(text).toContain('[issue #7](https://github.com/octo-org/octo-repo/issues/7)');
    expect(text).toContain('[this run](https://github.com/octo-org/octo-repo/actions/runs/9)');
  });

  it('shows the prompt that ran, with its notice as a visible note', () => {
    const text = renderJobSummary(planned(), full, links);
    expect(text).toContain('📜 **Prompt:** the bundled `wild_v2_planning` (upstream ce2938d) · sha256 `0123456789ab`');
    expect(text).toContain("> ⚠️ **Note:** the server's skill could not be read (404), so the bundled copy ran");
  });

  it("shows the cost: the CLI's own figure, said so; an estimate from the price table, said so; none for an unknown model", () => {
    const own = renderJobSummary(planned(), full, links);
    expect(own).toContain('| Agent | Model | Wall time | Turns | Tool calls | Tokens in | Tokens out | Cost |');
    expect(own).toContain('| 360 | 90 | $0.0024 |');
    expect(own).toContain('💵 **Cost:** $0.0024, as Claude Code reports it.');
    const estimated = run({
      agent: 'codex',
      model: 'gpt-5',
      inputTokens: 360,
      outputTokens: 90,
      costUsd: 0.00135,
      costSource: 'prices',
      pricedModel: { model: 'gpt-5', input: 1.25, output: 10 },
    });
    const text = renderJobSummary(planned(estimated), full, links);
    expect(text).toContain('| ≈ $0.0014 |');
    expect(text).toContain('💵 **Cost:** ≈ $0.0014, estimated from the list price of `gpt-5` ($1.25 input / $10 output per million tokens');
    const unknown = renderJobSummary(
      planned(run({ agent: 'codex', model: 'gpt-6-astra', inputTokens: 1, outputTokens: 1, unpriced: 'gpt-6-astra' })),
      full,
    );
    expect(unknown).not.toContain('| Cost |');
    expect(unknown).not.toMatch(/\$\d/);
    expect(unknown).toContain('💵 **Cost:** not shown: wild-plan has no price for `gpt-6-astra` (add one with the `model-prices` input).');
  });

  it('says when a cap stopped the agent', () => {
    const stopped: AgentRunResult = { ...claude, stop: { reason: 'max-turns', limit: 30, by: 'cli' } };
    expect(renderJobSummary(planned(stopped), full)).toContain('⏹️ **Stopped early:** the agent stopped at the 30-turn cap (max-turns).');
    expect(agentStatsJson(stopped)).toMatchObject({
      costUsd: 0.00243,
      costSource: 'cli',
      stopReason: 'stopped at the 30-turn cap (max-turns)',
    });
  });

  it('writes real plurals, never "(s)"', () => {
    const text = renderJobSummary(planned(), full, links);
    expect(text).not.toContain('(s)');
    const one = planCommentBody(planned().plan!, planned().findings, { run: planned().run, prompt });
    expect(one).not.toContain('(s)');
    expect(one).toContain('3 turns');
    const single = planCommentBody(planned().plan!, [], { run: { ...planned().run!, result: run({ agent: 'codex', turns: 1 }) } });
    expect(single).toContain('1 turn ');
  });
});

describe('the plan comment footer', () => {
  it('names the prompt, the agent, its tokens, cost, cap and server activity, under the plan', () => {
    const result: AgentRunResult = {
      ...run({
        agent: 'claude-code',
        version: '2.1.332',
        model: 'claude-sonnet-4-5',
        turns: 30,
        inputTokens: 360,
        outputTokens: 90,
        costUsd: 0.00243,
        costSource: 'cli',
      }),
      stop: { reason: 'max-turns', limit: 30, by: 'cli' },
    };
    const prompt: PromptUsed = { source: 'server', skillId: 'wild_v2_planning', sha256: 'ab'.repeat(32), version: null, notice: null };
    const plan = parsePlan(readFileSync(new URL('../fixtures/plans/valid.md', import.meta.url), 'utf8'));
    const body = planCommentBody(plan, [], {
      run: { result, serverActivity: 'created 1 sweep, 2 runs; 9 requests', isolation: null, changes: null },
      prompt,
      fileUrl: 'https://github.com/o/r/blob/b/tasks.md',
    });
    const lines = body.split('\n');
    const promptLine = lines.findIndex((l) => l.startsWith('<sub>📜 Prompt:'));
    expect(lines[promptLine]).toBe(
      "<sub>📜 Prompt: the server's skill `wild_v2_planning` (edited: no known version) · sha256 `abababababab`</sub>",
    );
    expect(promptLine).toBeGreaterThan(lines.findIndex((l) => l.startsWith('📄 Full plan')));
    expect(body).toContain(
      '<sub>🤖 Agent: `claude-code` `2.1.332` · `claude-sonnet-4-5` · 30 turns · 360 tokens in, 90 out · $0.0024 as Claude Code reports it · stopped at the 30-turn cap (max-turns) · on the research server: created 1 sweep, 2 runs; 9 requests</sub>',
    );
  });

  it('stays within the comment budget with a huge plan: the footer is kept, the plan detail gives way', () => {
    const result = run({ agent: 'opencode', model: 'x'.repeat(5_000), turns: 3 });
    const huge = [
      '## Phase 1 - Big',
      ...Array.from({ length: 3_000 }, (_, i) => `- [ ] [P1-T${i + 1}] ${'word '.repeat(40)}| deliverable: d | done-when: x`),
    ].join('\n');
    const body = planCommentBody(parsePlan(huge), [], {
      run: { result, serverActivity: null, isolation: null, changes: null },
      prompt: { source: 'bundled', skillId: 'wild_v2_planning', sha256: 'cd'.repeat(32), version: null, notice: 'n'.repeat(5_000) },
    });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('<sub>📜 Prompt:');
    expect(body).toContain('<sub>🤖 Agent: `opencode`');
  });
});
