// `wild-plan validate FILE [--json]`: check a tasks.md against the planning contract.
// Exit codes: 0 valid (warnings allowed), 1 contract errors or a usage/read problem,
// 2 the file is the abort checklist (planning was aborted, there is no plan to judge).
import { parseArgs } from 'node:util';
import { checkPlan } from '../plan/check.js';
import { parsePlan } from '../plan/parse.js';
import { planToJson } from '../plan/present.js';
import { ABORT_SENTINEL, type Finding } from '../plan/types.js';

export interface ValidateIo {
  stdout(s: string): void;
  stderr(s: string): void;
  readFile(path: string): Promise<string>;
}

export const VALIDATE_USAGE = `Usage: wild-plan validate FILE [--json]

Check a tasks.md plan against the Wild Loop V2 planning contract (4-6 phases, 2-6 tasks
each, task line format, reflection gates, ablation task, analytics contract, planning notes,
dependencies).

Options:
  --json      print {valid, abort, findings, plan} as JSON instead of text
  -h, --help  show this help

Exit status: 0 valid (warnings allowed), 1 contract errors or unreadable file,
2 the file is an abort checklist (${ABORT_SENTINEL}).
`;

export async function runValidate(args: string[], io: ValidateIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (error) {
    io.stderr(`wild-plan validate: ${messageOf(error)}\n\n${VALIDATE_USAGE}`);
    return 1;
  }
  if (parsed.values.help) {
    io.stdout(VALIDATE_USAGE);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    io.stderr(
      `wild-plan validate: ${file === undefined ? 'missing FILE' : `one FILE expected, got ${parsed.positionals.length}`}\n\n${VALIDATE_USAGE}`,
    );
    return 1;
  }
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : messageOf(error);
    io.stderr(`wild-plan validate: cannot read ${file}: ${why}\n`);
    return 1;
  }
  const plan = parsePlan(text);
  const findings = checkPlan(plan);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const valid = !plan.abort && errors === 0;
  if (parsed.values.json) {
    io.stdout(`${JSON.stringify({ valid, abort: plan.abort, findings, plan: planToJson(plan) }, null, 2)}\n`);
  } else if (plan.abort) {
    const reasons = plan.abortReasons.map((r) => `  - ${r}\n`).join('');
    io.stdout(
      `${file}: abort checklist (${ABORT_SENTINEL}): planning was aborted because the server preflight failed${reasons ? ':\n' + reasons : '.\n'}`,
    );
  } else {
    const { phases, tasks } = planToJson(plan).counts;
    const lines = findings.map((f) => formatFinding(file, f));
    const warnings = findings.length - errors;
    const verdict = valid
      ? `valid${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}`
      : `${plural(errors, 'contract error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}`;
    io.stdout([...lines, `${file}: ${plural(phases, 'phase')}, ${plural(tasks, 'task')}: ${verdict}`].join('\n') + '\n');
  }
  return plan.abort ? 2 : errors > 0 ? 1 : 0;
}

/** `file:line: severity [rule] message`, the shape editors and problem matchers understand. */
function formatFinding(file: string, finding: Finding): string {
  const where = finding.line === null ? file : `${file}:${finding.line}`;
  return `${where}: ${finding.severity} [${finding.rule}] ${finding.message}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
