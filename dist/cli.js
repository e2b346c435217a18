#!/usr/bin/env node
import { createRequire as __wpCreateRequire } from 'node:module'; const require = __wpCreateRequire(import.meta.url);
import {
  ABORT_SENTINEL,
  AgentConfigError,
  AgentFailedError,
  AgentInstallError,
  GoalError,
  INPUT_NAMES,
  ProcessStartError,
  PromptError,
  SettingsError,
  UnsafePathError,
  UnsafePlanPathError,
  UnsafeWorkspaceError,
  agentStatsJson,
  buildGoal,
  checkPlan,
  composePrompt,
  describePromptUsed,
  formatPreflightTable,
  isBooleanInput,
  memoriesFor,
  newSessionId,
  parsePlan,
  parseSettings,
  planIssue,
  planToJson,
  preflightFailureReasons,
  resolvePrompt,
  runPreflight,
  serverClientOf,
  tasksPathFor
} from "./chunk-DWKSTMUU.js";
import "./chunk-UR2CMWYT.js";

// src/cli/io.ts
import { readFile } from "node:fs/promises";
import path from "node:path";
function processIo() {
  return {
    stdout: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}
`),
    stderr: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}
`),
    readFile: (file) => readFile(file, "utf8"),
    env: process.env,
    cwd: process.cwd()
  };
}
var UsageError = class extends Error {
  name = "UsageError";
};
async function readIssueFile(io, file) {
  const text = await io.readFile(path.resolve(io.cwd, file)).catch((error) => {
    throw new UsageError(`cannot read --issue-file ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  });
  if (file.endsWith(".json")) {
    let data;
    try {
      data = JSON.parse(text);
    } catch {
      throw new UsageError(`--issue-file ${file} is not valid JSON`);
    }
    const issue = data ?? {};
    return {
      number: typeof issue.number === "number" ? issue.number : void 0,
      title: typeof issue.title === "string" ? issue.title : void 0,
      body: typeof issue.body === "string" ? issue.body : null
    };
  }
  const match = /^\s*#\s+(.+)\n?/.exec(text);
  return match ? { title: match[1].trim(), body: text.slice(match[0].length) } : { body: text };
}

// src/cli/flags.ts
import path2 from "node:path";
var ACTION_ONLY = /* @__PURE__ */ new Set([
  "github-token",
  "trigger-label",
  "dry-run",
  "draft",
  "base-branch",
  "fail-on-abort",
  "write-plan-files",
  "replan-on-edit",
  "run-on-merge",
  "max-iterations"
]);
var LOCAL_INPUTS = INPUT_NAMES.filter((name) => !ACTION_ONLY.has(name));
var REPEATABLE = /* @__PURE__ */ new Set(["agent-env", "prompt-variables"]);
var NO_PROXY = "no-proxy";
var ENV_FALLBACK = { "server-url": "WILD_SERVER_URL", "server-token": "WILD_SERVER_TOKEN" };
var FROM_CWD = {
  "prompt-file": () => true,
  // `prompt` also takes auto, server or bundled: only something that looks like a path is one.
  prompt: (value) => /[/.]/.test(value)
};
function inputOptions() {
  const options = { [NO_PROXY]: { type: "boolean" } };
  for (const name of LOCAL_INPUTS) {
    if (isBooleanInput(name)) {
      options[name] = { type: "boolean" };
      options[`no-${name}`] = { type: "boolean" };
    } else {
      options[name] = REPEATABLE.has(name) ? { type: "string", multiple: true } : { type: "string" };
    }
  }
  return options;
}
function inputsFromFlags(values, io) {
  const raw = {};
  for (const name of LOCAL_INPUTS) {
    const value = values[name];
    if (Array.isArray(value)) raw[name] = value.join("\n");
    else if (typeof value === "string") raw[name] = FROM_CWD[name]?.(value) ? path2.resolve(io.cwd, value) : value;
    else if (value === true) raw[name] = "true";
    if (values[`no-${name}`] === true) raw[name] = "false";
    const fallback = ENV_FALLBACK[name];
    if (raw[name] === void 0 && fallback !== void 0) raw[name] = io.env[fallback];
  }
  if (values[NO_PROXY] === true) raw["server-proxy"] = "false";
  return raw;
}
function flagOf(input) {
  return input === "server-proxy" ? `--${NO_PROXY}` : `--${input}`;
}
function inFlagTerms(text) {
  return text.replace(/(?:\binput )?`([a-z][a-z0-9-]*)(?::\s*([^`]*))?`/g, (whole, name, value) => {
    if (!INPUT_NAMES.includes(name)) return whole;
    if (name === "server-proxy") return `--${NO_PROXY}`;
    return value === void 0 ? flagOf(name) : `${flagOf(name)} ${value}`;
  });
}
function describeSettingsError(error) {
  if (error.problems.length === 0) return inFlagTerms(error.message);
  return `invalid options:
${error.problems.map((problem) => `  ${inFlagTerms(problem.message)}`).join("\n")}`;
}
var HELP = {
  "server-url": "the research server's base URL (or $WILD_SERVER_URL)",
  "server-token": "its X-Auth-Token; prefer $WILD_SERVER_TOKEN (argv is visible to other users)",
  agent: "opencode, claude-code, codex (installed at their pinned versions on first use) or command",
  "agent-command": "with --agent command (the default): the program that runs your agent; it gets the prompt on stdin and in $WILD_PROMPT_FILE",
  "agent-version": "exact version of the agent CLI (default: the version wild-plan pins)",
  model: "the model, in the agent CLI's own naming (provider/model for opencode)",
  "agent-env": "names of environment variables the agent gets, e.g. ANTHROPIC_API_KEY (repeatable, or comma-separated)",
  "agent-base-url": "the model provider's base URL, for a gateway or a local model server",
  "agent-timeout-minutes": "time limit for the agent (default 20)",
  "tasks-path": 'where the plan goes, inside --workdir (default .wild/plans/issue-{number}/tasks.md; {number} is "local" for --goal)',
  prompt: "the planning prompt: auto (default), server, bundled, or a SKILL.md file of your own",
  "prompt-file": "a planning prompt (SKILL.md) of your own; older name for --prompt FILE",
  "preflight-timeout-seconds": "time limit for each preflight request (default 10)",
  "strict-plan": "contract errors make the run invalid (exit 3)",
  "repair-rounds": "times the agent is asked to correct a plan that breaks the contract (default 1)",
  "server-proxy": "let the agent call the server directly, the token in $WILD_AUTH_TOKEN (default: through a loopback proxy that adds it)"
};
function inputFlagsHelp(width) {
  return LOCAL_INPUTS.map((name) => {
    const flag = name === "server-proxy" ? `--${NO_PROXY}` : isBooleanInput(name) ? `--${name}` : `--${name} ${valueName(name)}`;
    const text = HELP[name] ?? `the action's \`${name}\` input (README, "Inputs")${isBooleanInput(name) ? "; --no-" + name + " turns it off" : ""}`;
    return `  ${flag.padEnd(width)} ${text}`;
  });
}
function valueName(name) {
  if (name.endsWith("-url")) return "URL";
  if (/-(minutes|seconds|rounds)$/.test(name) || name.startsWith("max-")) return "N";
  if (name.endsWith("-file") || name.endsWith("-path")) return "PATH";
  const named = {
    agent: "NAME",
    "agent-env": "NAME",
    "agent-command": "CMD",
    "agent-version": "VERSION",
    model: "MODEL",
    "server-token": "TOKEN",
    prompt: "WHICH"
  };
  if (named[name]) return named[name];
  return "VALUE";
}

// src/cli/errors.ts
function userErrorMessage(error) {
  if (error instanceof SettingsError) return describeSettingsError(error);
  if (error instanceof ProcessStartError) {
    return `the agent did not start: ${error.message.replace(/^agent-command /, "--agent-command ")}`;
  }
  if (error instanceof AgentInstallError) return `the agent CLI could not be installed: ${error.message}`;
  if (error instanceof AgentConfigError || error instanceof PromptError || error instanceof GoalError || error instanceof AgentFailedError || error instanceof UnsafeWorkspaceError || error instanceof UnsafePathError || error instanceof UnsafePlanPathError) {
    return inFlagTerms(error.message);
  }
  return null;
}
function describeBug(error, debug) {
  if (!(error instanceof Error)) return String(error);
  if (debug) return error.stack ?? error.message;
  return `${error.message}
(unexpected: run again with --debug for the stack trace, and report it with that)`;
}

// src/cli/plan.ts
import path3 from "node:path";
import { parseArgs } from "node:util";

// src/log.ts
function streamLog(write, verbose = true) {
  return {
    info: (message) => {
      if (verbose) write(message);
    },
    warning: (message, where) => write(`warning: ${where?.file ? `${where.file}${where.line ? `:${where.line}` : ""}: ` : ""}${message}`),
    error: (message) => write(`error: ${message}`),
    group: async (title, fn) => {
      if (verbose) write(`\u2500\u2500 ${title}`);
      return fn();
    }
  };
}
var silentLog = streamLog(() => {
}, false);

// src/cli/plan.ts
var WIDTH = 32;
var PLAN_USAGE = `Usage: wild-plan plan (--goal TEXT | --issue-file FILE) --server-url URL [--agent NAME] [options]

Plans one goal in a local repository: preflight the research server, render the planning
prompt, run the agent, check its plan, and write tasks.md and prompt_skill_playbook.md.
Nothing is pushed or posted. The flags are the action's inputs, under the same names.

What to plan:
  ${"--goal TEXT".padEnd(WIDTH)} the research goal (or --issue-file)
  ${"--issue-file FILE".padEnd(WIDTH)} an issue as JSON ({number, title, body}) or markdown (# title, then body)
  ${"--steer TEXT".padEnd(WIDTH)} extra direction for the planner (a "User Context" section)
  ${"--workdir DIR".padEnd(WIDTH)} the repository to plan in (default: current directory)

The action's inputs:
${inputFlagsHelp(WIDTH).join("\n")}

On this machine:
  ${"--isolate".padEnd(WIDTH)} run the agent as an unprivileged user of its own (needs root or
  ${"".padEnd(WIDTH)} passwordless sudo; lends it the workdir for the run)
  ${"--json".padEnd(WIDTH)} print the outcome as JSON
  ${"--debug".padEnd(WIDTH)} print the stack trace of an error
  ${"-h, --help".padEnd(WIDTH)} this help

Example, with Claude Code and your API key:
  wild-plan plan --goal "Does label smoothing help on CIFAR-10?" --server-url http://127.0.0.1:8000 \\
    --agent claude-code --agent-env ANTHROPIC_API_KEY

Exit: 0 planned, 2 aborted (server preflight failed), 3 no usable plan, 1 error.`;
var EXIT = { planned: 0, error: 1, aborted: 2, invalid: 3 };
var GOAL_OPTIONS = {
  goal: { type: "string" },
  "issue-file": { type: "string" },
  steer: { type: "string" },
  workdir: { type: "string" },
  help: { type: "boolean", short: "h" }
};
var PLAN_OPTIONS = {
  ...inputOptions(),
  ...GOAL_OPTIONS,
  isolate: { type: "boolean" },
  json: { type: "boolean" }
};
var RENDER_OPTIONS = { ...inputOptions(), ...GOAL_OPTIONS };
async function readPlanInputs(io, values, extra = {}) {
  const str = (name) => {
    const v = values[name];
    return typeof v === "string" ? v : void 0;
  };
  if (str("goal") !== void 0 && str("issue-file") !== void 0) throw new UsageError("give --goal or --issue-file, not both");
  let issue;
  if (str("issue-file") !== void 0) issue = await readIssueFile(io, str("issue-file"));
  else if (str("goal") !== void 0) issue = { body: str("goal") };
  else throw new UsageError("say what to plan: --goal TEXT or --issue-file FILE");
  const workspace = path3.resolve(io.cwd, str("workdir") ?? ".");
  const settings = parseSettings({ ...inputsFromFlags(values, io), ...extra }, workspace);
  return { settings, issue, steer: str("steer") };
}
async function runPlan(args, io) {
  const { values } = parseArgs({ args, options: PLAN_OPTIONS, allowPositionals: false, strict: true });
  if (values.help) {
    io.stdout(PLAN_USAGE);
    return 0;
  }
  const { settings, issue, steer } = await readPlanInputs(io, values);
  const log = streamLog((line) => io.stderr(line), !values.json);
  let outcome;
  try {
    const deps = { log, isolateAgent: values.isolate === true, writeFiles: true };
    outcome = await planIssue(settings, { issueNumber: issue.number, title: issue.title, body: issue.body, steer }, deps);
  } catch (error) {
    const message = userErrorMessage(error);
    if (message === null) throw error;
    if (values.json) io.stdout(JSON.stringify({ status: "failed", message }, null, 2));
    else io.stderr(`error: ${message}`);
    return EXIT.error;
  }
  io.stdout(values.json ? JSON.stringify(outcomeJson(outcome, settings.workspace), null, 2) : formatReport(outcome, settings.workspace));
  return EXIT[outcome.status];
}
function outcomeJson(outcome, workspace) {
  return {
    status: outcome.status,
    message: outcome.message,
    sessionId: outcome.sessionId,
    tasksPath: path3.join(workspace, outcome.tasksPath),
    playbookPath: written(outcome).playbook ? path3.join(workspace, outcome.playbookPath) : null,
    summary: outcome.summary,
    prompt: outcome.prompt ?? null,
    preflight: { ok: outcome.preflight.ok, checks: outcome.preflight.checks },
    findings: outcome.findings,
    plan: outcome.plan ? planToJson(outcome.plan) : null,
    goalNotices: outcome.goal.notices,
    agentStats: outcome.run ? agentStatsJson(outcome.run.result) : null,
    isolation: outcome.run?.isolation ?? null
  };
}
function formatReport(outcome, workspace) {
  const lines = [`wild-plan: ${outcome.status.toUpperCase()} \u2014 ${outcome.message}`, ""];
  if (outcome.prompt) {
    lines.push(`Prompt:   ${describePromptUsed(outcome.prompt).replaceAll("`", "")}`);
    if (outcome.prompt.notice) lines.push(`          ${outcome.prompt.notice.replaceAll("`", "")}`);
    lines.push("");
  }
  lines.push("Preflight", formatPreflightTable(outcome.preflight), "");
  if (outcome.plan && !outcome.plan.abort) {
    lines.push("Plan");
    for (const phase of outcome.plan.phases) lines.push(`  Phase ${phase.number} \u2014 ${phase.title} (${phase.tasks.length} tasks)`);
    lines.push("");
  }
  if (outcome.findings.length > 0) {
    lines.push(`Findings (${outcome.findings.length})`);
    for (const f of outcome.findings)
      lines.push(`  ${f.severity.padEnd(7)} ${outcome.tasksPath}${f.line ? `:${f.line}` : ""}  ${f.rule}: ${f.message}`);
    lines.push("");
  }
  if (outcome.summary) lines.push(`Summary: ${outcome.summary}`, "");
  const isolation = outcome.run?.isolation;
  if (isolation) lines.push(`Isolation: ${isolation.isolated ? "" : "none \u2014 "}${isolation.reason}`, "");
  if (written(outcome).tasks) lines.push(`Tasks:    ${path3.join(workspace, outcome.tasksPath)}`);
  if (written(outcome).playbook) lines.push(`Playbook: ${path3.join(workspace, outcome.playbookPath)}`);
  lines.push(`Session:  ${outcome.sessionId}`);
  return lines.join("\n");
}
function written(outcome) {
  if (outcome.status === "aborted") return { tasks: true, playbook: false };
  const hasPlan = outcome.status === "planned" || outcome.plan !== null;
  return { tasks: hasPlan, playbook: hasPlan };
}

// src/cli/render.ts
import path4 from "node:path";
import { parseArgs as parseArgs2 } from "node:util";
var RENDER_USAGE = `Usage: wild-plan render (--goal TEXT | --issue-file FILE) --server-url URL [options]

Prints the planning prompt the agent would get, with the API catalog from the server's
live /openapi.json. The server token is never printed: the prompt refers to $WILD_AUTH_TOKEN.
It takes the flags of 'wild-plan plan' (see its --help); these change the prompt:

  --goal TEXT | --issue-file FILE   what to plan
  --steer TEXT                      extra direction for the planner
  --server-url URL                  the research server (or $WILD_SERVER_URL); token from $WILD_SERVER_TOKEN
  --workdir DIR                     the repository (default: current directory)
  --tasks-path PATH                 where the plan would go
  --prompt auto|server|bundled|FILE which planning prompt (--prompt-file FILE: the older name)
  --no-proxy                        render as for a run without the loopback proxy (token in $WILD_AUTH_TOKEN)
  -h, --help                        this help`;
async function runRender(args, io) {
  const { values } = parseArgs2({ args, options: RENDER_OPTIONS, strict: true });
  if (values.help) {
    io.stdout(RENDER_USAGE);
    return 0;
  }
  const placeholder = values["agent-command"] === void 0 ? { "agent-command": "none" } : {};
  const { settings, issue, steer } = await readPlanInputs(io, values, placeholder);
  const goal = buildGoal({ title: issue.title, body: issue.body, steer });
  const log = streamLog((line) => io.stderr(line), false);
  const prompt = await resolvePrompt(settings, log);
  io.stderr(`note: the prompt is ${describePromptUsed(prompt.used).replaceAll("`", "")}`);
  const [preflight, memories] = await Promise.all([
    runPreflight({ ...serverClientOf(settings), paths: prompt.contract.preflightPaths }),
    memoriesFor(settings, prompt, log)
  ]);
  if (!preflight.openapi) {
    io.stderr(`warning: no API catalog: ${preflightFailureReasons(preflight).join("; ") || "/openapi.json unavailable"}`);
  }
  const tasksFile = path4.join(settings.workspace, tasksPathFor(settings, issue.number));
  const proxied = settings.serverProxy;
  if (proxied) io.stderr("note: the agent gets a loopback proxy URL in place of --server-url; the proxy adds the token.");
  const auth = proxied ? { kind: "proxy" } : settings.serverToken ? { kind: "env", envVar: "WILD_AUTH_TOKEN" } : { kind: "none" };
  io.stdout(
    composePrompt(settings, prompt, {
      goal,
      sessionId: newSessionId(),
      tasksFile,
      openapi: preflight.openapi,
      serverUrl: settings.serverUrl,
      auth,
      memories
    })
  );
  return 0;
}

// src/cli/validate.ts
import { parseArgs as parseArgs3 } from "node:util";
var VALIDATE_USAGE = `Usage: wild-plan validate FILE [--json]

Check a tasks.md plan against the Wild Loop V2 planning contract (4-6 phases, 2-6 tasks
each, task line format, reflection gates, ablation task, analytics contract, planning notes,
dependencies).

Options:
  --json      print {valid, abort, findings, plan} as JSON instead of text
  -h, --help  show this help

Exit status: 0 valid (warnings allowed), 1 contract errors or unreadable file,
2 the file is an abort checklist (${ABORT_SENTINEL}).
`;
async function runValidate(args, io) {
  let parsed;
  try {
    parsed = parseArgs3({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } }
    });
  } catch (error) {
    io.stderr(`wild-plan validate: ${messageOf(error)}

${VALIDATE_USAGE}`);
    return 1;
  }
  if (parsed.values.help) {
    io.stdout(VALIDATE_USAGE);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === void 0 || extra.length > 0) {
    io.stderr(
      `wild-plan validate: ${file === void 0 ? "missing FILE" : `one FILE expected, got ${parsed.positionals.length}`}

${VALIDATE_USAGE}`
    );
    return 1;
  }
  let text;
  try {
    text = await io.readFile(file);
  } catch (error) {
    const code = error?.code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : messageOf(error);
    io.stderr(`wild-plan validate: cannot read ${file}: ${why}
`);
    return 1;
  }
  const plan = parsePlan(text);
  const findings = checkPlan(plan);
  const errors = findings.filter((f) => f.severity === "error").length;
  const valid = !plan.abort && errors === 0;
  if (parsed.values.json) {
    io.stdout(`${JSON.stringify({ valid, abort: plan.abort, findings, plan: planToJson(plan) }, null, 2)}
`);
  } else if (plan.abort) {
    const reasons = plan.abortReasons.map((r) => `  - ${r}
`).join("");
    io.stdout(
      `${file}: abort checklist (${ABORT_SENTINEL}): planning was aborted because the server preflight failed${reasons ? ":\n" + reasons : ".\n"}`
    );
  } else {
    const { phases, tasks } = planToJson(plan).counts;
    const lines = findings.map((f) => formatFinding(file, f));
    const warnings = findings.length - errors;
    const verdict = valid ? `valid${warnings > 0 ? ` (${plural(warnings, "warning")})` : ""}` : `${plural(errors, "contract error")}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}`;
    io.stdout([...lines, `${file}: ${plural(phases, "phase")}, ${plural(tasks, "task")}: ${verdict}`].join("\n") + "\n");
  }
  return plan.abort ? 2 : errors > 0 ? 1 : 0;
}
function formatFinding(file, finding) {
  const where = finding.line === null ? file : `${file}:${finding.line}`;
  return `${where}: ${finding.severity} [${finding.rule}] ${finding.message}`;
}
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

// src/cli/version.ts
import { readFileSync } from "node:fs";
import path5 from "node:path";
import { fileURLToPath } from "node:url";
function packageVersion(from = fileURLToPath(import.meta.url)) {
  for (let dir = path5.dirname(from); ; dir = path5.dirname(dir)) {
    const pkg = readPackage(path5.join(dir, "package.json"));
    if (pkg?.name === "wild-plan" && typeof pkg.version === "string") return pkg.version;
    if (path5.dirname(dir) === dir) return "unknown";
  }
}
function readPackage(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

// src/cli/run.ts
var USAGE = `Usage: wild-plan <command> [options]

Commands:
  plan       plan a goal in a local repository (writes tasks.md and the playbook)
  render     print the planning prompt the agent would get
  validate   check a tasks.md against the planning contract

Options:
  -V, --version  print wild-plan's version
  -h, --help     this help
  --debug        print the stack trace of an unexpected error

Run 'wild-plan <command> --help' for a command's options. The flags of plan and render
are the action's inputs, under the same names (--agent, --model, --agent-env, ...).`;
var COMMANDS = {
  plan: runPlan,
  render: runRender,
  validate: (args, io) => runValidate(args, io)
};
async function runCli(argv, io) {
  const debug = argv.includes("--debug");
  const [command, ...rest] = argv.filter((arg) => arg !== "--debug");
  if (command === void 0 || command === "--help" || command === "-h" || command === "help") {
    io.stdout(USAGE);
    return 0;
  }
  if (command === "--version" || command === "-V") {
    io.stdout(packageVersion());
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`wild-plan: unknown command "${command}"

${USAGE}`);
    return 1;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`wild-plan ${command}: ${error.message}
Run 'wild-plan ${command} --help' for its options.`);
    } else {
      const message = userErrorMessage(error);
      io.stderr(`wild-plan ${command}: ${message ?? describeBug(error, debug)}`);
      if (debug && message !== null && error instanceof Error && error.stack) io.stderr(error.stack);
    }
    return 1;
  }
}
function isParseArgsError(error) {
  return typeof error === "object" && error !== null && String(error.code).startsWith("ERR_PARSE_ARGS");
}

// src/cli.ts
process.exitCode = await runCli(process.argv.slice(2), processIo());
