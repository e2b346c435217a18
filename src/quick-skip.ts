// The common "not for wild-plan" events, recognised without loading zod or the pipeline: most
// events a repository sends (another label, an ordinary comment) end here in milliseconds.
// It only ever skips what decideTrigger would skip too; anything in doubt goes the full way.

export const COMMAND = '/wild-plan';

export interface Sender {
  login: string;
  type: string;
}

export function isBot(sender: Sender): boolean {
  return sender.type === 'Bot' || sender.login.endsWith('[bot]');
}

/** `/wild-plan rest…` at the start of a comment → the rest (the steer); else null. */
export function parseCommand(body: string): string | null {
  const text = body.trimStart();
  if (!text.startsWith(COMMAND)) return null;
  const rest = text.slice(COMMAND.length);
  if (rest !== '' && !/^\s/.test(rest)) return null; // `/wild-planner` is another command
  return rest.trim();
}

/** Every event (and activity type) wild-plan acts on: a workflow that runs it should subscribe to exactly these. */
export const HANDLED_EVENTS: Readonly<Record<string, readonly string[]>> = {
  issues: ['labeled', 'opened', 'edited'],
  issue_comment: ['created'],
  pull_request: ['labeled', 'opened', 'closed'],
  pull_request_review: ['submitted'],
  pull_request_review_comment: ['created'],
  workflow_dispatch: [],
  schedule: [],
};

const EVENTS = new Set(Object.keys(HANDLED_EVENTS));

/** A reason to skip for certain, or null when the full trigger decision is needed. */
export function quickSkip(eventName: string, payload: unknown, triggerLabel: string): string | null {
  if (!EVENTS.has(eventName)) return `the \`${eventName}\` event does not trigger wild-plan`;
  const p = (payload ?? {}) as {
    action?: unknown;
    label?: { name?: unknown };
    comment?: { body?: unknown };
    sender?: { login?: unknown; type?: unknown };
  };
  if (typeof p.sender?.login === 'string' && isBot({ login: p.sender.login, type: String(p.sender.type) })) {
    return `the event was sent by a bot (${p.sender.login})`;
  }
  if (
    (eventName === 'issues' || eventName === 'pull_request') &&
    p.action === 'labeled' &&
    typeof p.label?.name === 'string' &&
    p.label.name !== triggerLabel
  ) {
    return `the label \`${p.label.name}\` is not the trigger label \`${triggerLabel}\``;
  }
  if (
    (eventName === 'issue_comment' || eventName === 'pull_request_review_comment') &&
    typeof p.comment?.body === 'string' &&
    parseCommand(p.comment.body) === null
  ) {
    return `the comment does not start with \`${COMMAND}\``;
  }
  return null;
}
