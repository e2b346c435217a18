import { UsageError, type CliIo } from './io.js';
import { describeBug, userErrorMessage } from './errors.js';
import { runPlan } from './plan.js';
import { runRender } from './render.js';
import { runValidate } from './validate.js';
import { packageVersion } from './version.js';

const USAGE = `Usage: wild-plan <command> [options]

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

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  plan: runPlan,
  render: runRender,
  validate: (args, io) => runValidate(args, io),
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // --debug may come anywhere; the commands never see it.
  const debug = argv.includes('--debug');
  const [command, ...rest] = argv.filter((arg) => arg !== '--debug');
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (command === '--version' || command === '-V') {
    io.stdout(packageVersion());
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`wild-plan: unknown command "${command}"\n\n${USAGE}`);
    return 1;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`wild-plan ${command}: ${(error as Error).message}\nRun 'wild-plan ${command} --help' for its options.`);
    } else {
      // Mistakes the user can fix get their message alone; anything else is a bug.
      const message = userErrorMessage(error);
      io.stderr(`wild-plan ${command}: ${message ?? describeBug(error, debug)}`);
      if (debug && message !== null && error instanceof Error && error.stack) io.stderr(error.stack);
    }
    return 1;
  }
}

function isParseArgsError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}
