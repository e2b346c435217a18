import { GoalError } from '../goal.js';
import { SettingsError } from '../settings.js';
import { UsageError, type CliIo } from './io.js';
import { PLAN_USAGE, runPlan } from './plan.js';
import { runRender } from './render.js';
import { runValidate } from './validate.js';

const USAGE = `Usage: wild-plan <command> [options]

Commands:
  plan       plan a goal in a local repository (writes tasks.md and the playbook)
  render     print the planning prompt the agent would get
  validate   check a tasks.md against the planning contract

Run 'wild-plan <command> --help' for a command's options.`;

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  plan: runPlan,
  render: runRender,
  validate: (args, io) => runValidate(args, io),
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command === undefined ? 1 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`wild-plan: unknown command "${command}"\n\n${USAGE}`);
    return 1;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    // Mistakes the user can fix get their message alone; anything else keeps its stack.
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(
        `wild-plan ${command}: ${(error as Error).message}\n\n${command === 'plan' ? PLAN_USAGE : `Run 'wild-plan ${command} --help'.`}`,
      );
    } else if (error instanceof SettingsError || error instanceof GoalError) {
      io.stderr(`wild-plan ${command}: ${error.message}`);
    } else {
      io.stderr(`wild-plan ${command}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    return 1;
  }
}

function isParseArgsError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}
