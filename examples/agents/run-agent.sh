#!/usr/bin/env bash
# An `agent: command` agent for wild-plan: Claude Code, headless. A starting point for a
# wrapper of your own (another CLI, extra flags, a team's internal agent).
#
# What wild-plan gives a command agent:
#   - the working directory: the agent's own copy of the checked-out commit (no .git);
#   - the rendered planning prompt on stdin and in the file $WILD_PROMPT_FILE;
#   - WILD_SERVER_URL (a loopback proxy that adds the server token), WILD_TASKS_PATH (where
#     tasks.md goes), WILD_SESSION_ID, and only the variables named in `agent-env`.
# What it reads back: the text printed on stdout (<plan>, <summary>, <promise>), or the
# tasks.md left at $WILD_TASKS_PATH. Logs belong on stderr.
#
# Needs `claude` on PATH (a step before wild-plan:
#   npm install -g @anthropic-ai/claude-code@2.1.332)
# and ANTHROPIC_API_KEY listed in `agent-env` (ANTHROPIC_BASE_URL too, behind a gateway).
# Arguments are passed to `claude`, e.g. `bash examples/agents/run-agent.sh --model sonnet`.
set -euo pipefail

fail() {
  echo "run-agent.sh: $*" >&2
  exit 2
}

command -v claude >/dev/null || fail "claude is not on PATH: install @anthropic-ai/claude-code in a step before wild-plan"
[[ -n "${ANTHROPIC_API_KEY:-}${CLAUDE_CODE_OAUTH_TOKEN:-}" ]] ||
  fail "ANTHROPIC_API_KEY is not set: list it in the action's agent-env and set it in the step's env"

prompt="${WILD_PROMPT_FILE:-/dev/stdin}"
[[ -r "$prompt" ]] || fail "cannot read the prompt from $prompt"

# Claude Code keeps settings and history under HOME: give it a throw-away one so nothing of
# this run lingers in the runner's home directory.
HOME="$(mktemp -d)"
export HOME
trap 'rm -rf "$HOME"' EXIT

# No telemetry or update checks from a CI job; two retries ride out a blip, more would keep
# an unreachable endpoint busy until the time limit.
export DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 DISABLE_ERROR_REPORTING=1
export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 CLAUDE_CODE_MAX_RETRIES=2

# A headless run cannot answer a permission prompt: allow what the planning prompt needs
# (curl to the research server, reading the repository, writing tasks.md) up front.
# `--output-format text` prints only the final answer, which is what wild-plan parses.
claude -p --output-format text --no-session-persistence --permission-mode acceptEdits "$@" \
  --allowedTools Bash Read Write Edit Glob Grep <"$prompt"
