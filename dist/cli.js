#!/usr/bin/env node
import { createRequire as __wpCreateRequire } from 'node:module'; const require = __wpCreateRequire(import.meta.url);
import {
  ABORT_SENTINEL,
  AgentFailedError,
  GoalError,
  SettingsError,
  UnsafePathError,
  UnsafePlanPathError,
  UnsafeWorkspaceError,
  agentStatsJson,
  buildGoal,
  checkPlan,
  composePrompt,
  formatPreflightTable,
  newSessionId,
  parsePlan,
  parseSettings,
  planIssue,
  planToJson,
  preflightFailureReasons,
  runPreflight,
  tasksPathFor
} from "./chunk-LWN763TG.js";
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

// src/cli/plan.ts
import path2 from "node:path";
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
var PLAN_USAGE = `Usage: wild-plan plan (--goal TEXT | --issue-file FILE) --server-url URL --agent-command CMD [options]

Plans one goal in a local repository: preflight the research server, render the planning
prompt, run the agent, check its plan, and write tasks.md and prompt_skill_playbook.md.
Nothing is pushed or posted.

  --goal TEXT                    the research goal (or --issue-file)
  --issue-file FILE              an issue as JSON ({number, title, body}) or markdown (# title, then body)
  --steer TEXT                   extra direction for the planner (a "User Context" section)
  --server-url URL               the research server's base URL (or $WILD_SERVER_URL)
  --server-token TOKEN           its X-Auth-Token; prefer $WILD_SERVER_TOKEN (argv is visible to other users)
  --agent-command CMD            the agent to run; it gets the prompt on stdin and in $WILD_PROMPT_FILE
  --workdir DIR                  the repository to plan in (default: current directory)
  --tasks-path PATH              where the plan goes, inside workdir (default .wild/plans/issue-{number}/tasks.md)
  --prompt-file FILE             a planning prompt of your own (default: the bundled one)
  --agent-timeout-minutes N      default 20
  --preflight-timeout-seconds N  default 10
  --strict-plan                  contract errors make the run invalid (exit 3)
  --no-proxy                     let the agent call the server directly, token in $WILD_AUTH_TOKEN
  --isolate                      run the agent as an unprivileged user of its own (needs root or
                                 passwordless sudo; lends it the workdir for the run)
  --repair-rounds N              times the agent is asked to correct a plan that breaks the contract (default 1)
  --json                         print the outcome as JSON
  -h, --help                     this help

Exit: 0 planned, 2 aborted (server preflight failed), 3 no usable plan, 1 error.`;
var EXIT = { planned: 0, error: 1, aborted: 2, invalid: 3 };
var OPTIONS = {
  goal: { type: "string" },
  "issue-file": { type: "string" },
  steer: { type: "string" },
  "server-url": { type: "string" },
  "server-token": { type: "string" },
  "agent-command": { type: "string" },
  workdir: { type: "string" },
  "tasks-path": { type: "string" },
  "prompt-file": { type: "string" },
  "agent-timeout-minutes": { type: "string" },
  "preflight-timeout-seconds": { type: "string" },
  "strict-plan": { type: "boolean" },
  "repair-rounds": { type: "string" },
  "no-proxy": { type: "boolean" },
  isolate: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" }
};
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
  const workspace = path2.resolve(io.cwd, str("workdir") ?? ".");
  const settings = parseSettings(
    {
      "server-url": str("server-url") ?? io.env.WILD_SERVER_URL,
      "server-token": str("server-token") ?? io.env.WILD_SERVER_TOKEN,
      agent: "command",
      "agent-command": str("agent-command"),
      "tasks-path": str("tasks-path"),
      "prompt-file": str("prompt-file") === void 0 ? void 0 : path2.resolve(io.cwd, str("prompt-file")),
      "agent-timeout-minutes": str("agent-timeout-minutes"),
      "preflight-timeout-seconds": str("preflight-timeout-seconds"),
      "strict-plan": values["strict-plan"] ? "true" : void 0,
      "repair-rounds": str("repair-rounds"),
      "server-proxy": values["no-proxy"] ? "false" : void 0,
      ...extra
    },
    workspace
  );
  return { settings, issue, steer: str("steer") };
}
async function runPlan(args, io) {
  const { values } = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true });
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
    if (!(error instanceof AgentFailedError || error instanceof UnsafeWorkspaceError || error instanceof UnsafePathError || error instanceof UnsafePlanPathError))
      throw error;
    if (values.json) io.stdout(JSON.stringify({ status: "failed", message: error.message }, null, 2));
    else io.stderr(`error: ${error.message}`);
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
    tasksPath: path2.join(workspace, outcome.tasksPath),
    playbookPath: written(outcome).playbook ? path2.join(workspace, outcome.playbookPath) : null,
    summary: outcome.summary,
    preflight: { ok: outcome.preflight.ok, checks: outcome.preflight.checks },
    findings: outcome.findings,
    plan: outcome.plan ? planToJson(outcome.plan) : null,
    goalNotices: outcome.goal.notices,
    agentStats: outcome.run ? agentStatsJson(outcome.run.result) : null,
    isolation: outcome.run?.isolation ?? null
  };
}
function formatReport(outcome, workspace) {
  const lines = [
    `wild-plan: ${outcome.status.toUpperCase()} \u2014 ${outcome.message}`,
    "",
    "Preflight",
    formatPreflightTable(outcome.preflight),
    ""
  ];
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
  if (written(outcome).tasks) lines.push(`Tasks:    ${path2.join(workspace, outcome.tasksPath)}`);
  if (written(outcome).playbook) lines.push(`Playbook: ${path2.join(workspace, outcome.playbookPath)}`);
  lines.push(`Session:  ${outcome.sessionId}`);
  return lines.join("\n");
}
function written(outcome) {
  if (outcome.status === "aborted") return { tasks: true, playbook: false };
  const hasPlan = outcome.status === "planned" || outcome.plan !== null;
  return { tasks: hasPlan, playbook: hasPlan };
}

// src/cli/render.ts
import path3 from "node:path";
import { parseArgs as parseArgs2 } from "node:util";
var RENDER_USAGE = `Usage: wild-plan render (--goal TEXT | --issue-file FILE) --server-url URL [options]

Prints the planning prompt the agent would get, with the API catalog from the server's
live /openapi.json. The server token is never printed: the prompt refers to $WILD_AUTH_TOKEN.

  --goal TEXT | --issue-file FILE   what to plan
  --steer TEXT                      extra direction for the planner
  --server-url URL                  the research server (or $WILD_SERVER_URL); token from $WILD_SERVER_TOKEN
  --workdir DIR                     the repository (default: current directory)
  --tasks-path PATH                 where the plan would go
  --prompt-file FILE                a planning prompt of your own
  --no-proxy                        render as for a run without the loopback proxy (token in $WILD_AUTH_TOKEN)
  -h, --help                        this help`;
async function runRender(args, io) {
  const { values } = parseArgs2({
    args,
    options: {
      goal: { type: "string" },
      "issue-file": { type: "string" },
      steer: { type: "string" },
      "server-url": { type: "string" },
      "server-token": { type: "string" },
      workdir: { type: "string" },
      "tasks-path": { type: "string" },
      "prompt-file": { type: "string" },
      "preflight-timeout-seconds": { type: "string" },
      "no-proxy": { type: "boolean" },
      help: { type: "boolean", short: "h" }
    },
    strict: true
  });
  if (values.help) {
    io.stdout(RENDER_USAGE);
    return 0;
  }
  const { settings, issue, steer } = await readPlanInputs(io, values, { "agent-command": "none" });
  const goal = buildGoal({ title: issue.title, body: issue.body, steer });
  const preflight = await runPreflight({
    serverUrl: settings.serverUrl,
    token: settings.serverToken,
    timeoutMs: settings.preflightTimeoutMs
  });
  if (!preflight.openapi) {
    io.stderr(`warning: no API catalog: ${preflightFailureReasons(preflight).join("; ") || "/openapi.json unavailable"}`);
  }
  const tasksFile = path3.join(settings.workspace, tasksPathFor(settings, issue.number));
  const proxied = settings.serverProxy;
  if (proxied) io.stderr("note: the agent gets a loopback proxy URL in place of server-url; the proxy adds the token.");
  const auth = proxied ? { kind: "proxy" } : settings.serverToken ? { kind: "env", envVar: "WILD_AUTH_TOKEN" } : { kind: "none" };
  io.stdout(
    await composePrompt(settings, {
      goal,
      sessionId: newSessionId(),
      tasksFile,
      openapi: preflight.openapi,
      serverUrl: settings.serverUrl,
      auth
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

// src/cli/run.ts
var USAGE = `Usage: wild-plan <command> [options]

Commands:
  plan       plan a goal in a local repository (writes tasks.md and the playbook)
  render     print the planning prompt the agent would get
  validate   check a tasks.md against the planning contract

Run 'wild-plan <command> --help' for a command's options.`;
var COMMANDS = {
  plan: runPlan,
  render: runRender,
  validate: (args, io) => runValidate(args, io)
};
async function runCli(argv, io) {
  const [command, ...rest] = argv;
  if (command === void 0 || command === "--help" || command === "-h" || command === "help") {
    io.stdout(USAGE);
    return command === void 0 ? 1 : 0;
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
      io.stderr(
        `wild-plan ${command}: ${error.message}

${command === "plan" ? PLAN_USAGE : `Run 'wild-plan ${command} --help'.`}`
      );
    } else if (error instanceof SettingsError || error instanceof GoalError) {
      io.stderr(`wild-plan ${command}: ${error.message}`);
    } else {
      io.stderr(`wild-plan ${command}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
    return 1;
  }
}
function isParseArgsError(error) {
  return typeof error === "object" && error !== null && String(error.code).startsWith("ERR_PARSE_ARGS");
}

// src/cli.ts
process.exitCode = await runCli(process.argv.slice(2), processIo());
