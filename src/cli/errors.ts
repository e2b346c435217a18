// How the CLI reports an error: a mistake you can fix (a flag, a missing program, a checkout
// that is not safe to hand over) is one message in the CLI's terms; anything else is a bug,
// and its stack is printed with --debug.
import { AgentInstallError } from '../agent/install.js';
import { ProcessStartError } from '../agent/process.js';
import { AgentConfigError } from '../agent/preset-runner.js';
import { GoalError } from '../goal.js';
import { UnsafePlanPathError } from '../git/plan-paths.js';
import { AgentFailedError, UnsafeWorkspaceError } from '../planning/plan-issue.js';
import { PromptError } from '../planning/prompt.js';
import { UnsafePathError } from '../sandbox/safe-fs.js';
import { SettingsError } from '../settings.js';
import { describeSettingsError, inFlagTerms } from './flags.js';

/** The message for an error the user can act on, in flag terms; null for anything else (a bug). */
export function userErrorMessage(error: unknown): string | null {
  if (error instanceof SettingsError) return describeSettingsError(error);
  if (error instanceof ProcessStartError) {
    // "agent-command `my-agent`: not found on PATH; …": the program as you named it.
    return `the agent did not start: ${error.message.replace(/^agent-command /, '--agent-command ')}`;
  }
  if (error instanceof AgentInstallError) return `the agent CLI could not be installed: ${error.message}`;
  if (
    error instanceof AgentConfigError ||
    error instanceof PromptError ||
    error instanceof GoalError ||
    error instanceof AgentFailedError ||
    error instanceof UnsafeWorkspaceError ||
    error instanceof UnsafePathError ||
    error instanceof UnsafePlanPathError
  ) {
    return inFlagTerms(error.message);
  }
  return null;
}

/** An unexpected error: its message, and its stack only when asked for. */
export function describeBug(error: unknown, debug: boolean): string {
  if (!(error instanceof Error)) return String(error);
  if (debug) return error.stack ?? error.message;
  return `${error.message}\n(unexpected: run again with --debug for the stack trace, and report it with that)`;
}
