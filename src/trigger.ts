import { z } from 'zod';
import { COMMAND, isBot, parseCommand, type Sender } from './quick-skip.js';
import { truncate } from './text/truncate.js';

export { COMMAND, isBot, parseCommand, type Sender };

/**
 * GitHub event → what to plan, or why not. Pure: reads the payload only. Who may trigger
 * (repository permission) needs the API and is checked by the caller afterwards.
 */

/** Hidden markers in wild-plan's own comments; a comment carrying one never triggers. */
export const MARKER_PREFIX = '<!-- wild-plan:';

export type Trigger =
  | { kind: 'skip'; reason: string }
  /**
   * The person asked for something that cannot be done as written (a manual run whose
   * `issue-number` is not an issue number): the run fails visibly, before any API call.
   */
  | { kind: 'refuse'; reason: string }
  | {
      kind: 'plan';
      /** What started it, for logs and the status comment. */
      source: 'label' | 'comment' | 'dispatch' | 'pull_request' | 'review' | 'line' | 'edit';
      sender: Sender;
      /** The issue or pull request the event is about (absent for a dispatch with a goal only). */
      number?: number;
      /** True when `number` is a pull request (the comment was on a PR, or a PR was labeled). */
      isPullRequest: boolean;
      /** Issue-like text known from the payload; absent when it must be fetched. */
      title?: string;
      body?: string | null;
      steer: string;
      /** The triggering comment, for the 👀 reaction. */
      commentId?: number;
      /** For pull_request events: the head branch, and whether it lives in a fork. */
      head?: { ref: string; fork: boolean };
    }
  /** A review submitted on a pull request (wild-plan acts on plan PRs only; the router decides). */
  | {
      kind: 'review';
      sender: Sender;
      pullNumber: number;
      reviewId: number;
      /** GitHub's webhook spelling: approved, changes_requested, commented. */
      state: string;
      body: string;
      head: PullHead;
    }
  /** `/wild-plan <direction>` as a review comment on a line of a pull request. */
  | {
      kind: 'line-command';
      sender: Sender;
      pullNumber: number;
      commentId: number;
      steer: string;
      path: string;
      /** The line of the file the comment is on (the last line of a range); null on an outdated or file-level comment. */
      line: number | null;
      /** GitHub's diff hunk, ending at that line (commentedLine reads the line's text from it). */
      diffHunk: string | null;
      head: PullHead;
    }
  /** `/wild-plan run|pause|resume|stop|status|steer …` on an issue or its plan PR. */
  | {
      kind: 'loop';
      sender: Sender;
      /** The issue or pull request the comment is on. */
      number: number;
      isPullRequest: boolean;
      command: LoopVerb;
      commentId: number;
      /** The comment's whole steer text, for a `steer` that finds no loop (it re-plans instead). */
      title: string;
      body: string | null;
    }
  /** The plan PR was merged (`run-on-merge` starts the loop then). */
  | { kind: 'merged'; sender: Sender; pullNumber: number; head: PullHead }
  /** The workflow's `schedule`: bring every live loop's progress into its plan comment. */
  | { kind: 'schedule' }
  /** An issue's title or body edited by a person. */
  | {
      kind: 'edited';
      sender: Sender;
      number: number;
      title: string;
      body: string | null;
      /** What it was before, for the fields that changed. */
      before: { title?: string; body?: string | null };
    };

/** What `/wild-plan <verb>` asks of the research loop; anything else after `/wild-plan` is a steer for a re-plan. */
export type LoopVerb =
  { verb: 'run'; restart: boolean } | { verb: 'pause' | 'resume' | 'stop' | 'status' } | { verb: 'steer'; text: string };

/**
 * `/wild-plan run`, `run --restart`, `pause`, `resume`, `stop`, `status`, `steer <text>` → the
 * loop command; anything else (`run more seeds`) is the re-plan direction it always was.
 */
export function parseLoopVerb(rest: string): LoopVerb | null {
  const text = rest.trim();
  const lower = text.toLowerCase();
  if (lower === 'run') return { verb: 'run', restart: false };
  if (/^run\s+--restart$/.test(lower)) return { verb: 'run', restart: true };
  if (lower === 'pause' || lower === 'resume' || lower === 'stop' || lower === 'status') return { verb: lower };
  const steer = /^steer\s+([\s\S]+)$/i.exec(text);
  if (steer?.[1]?.trim()) return { verb: 'steer', text: steer[1].trim() };
  return null;
}

/** A pull request's head: its branch, the commit it points at, and whether it lives in a fork. */
export interface PullHead {
  ref: string;
  sha: string;
  fork: boolean;
}

/** GitHub's issue and PR numbers are 32-bit; anything larger is a typo. */
export const MAX_ISSUE_NUMBER = 2 ** 31 - 1;

/**
 * The issue number written in `text` ("7", "#7", " 7 "), or null unless it is plain decimal
 * digits in range: `Number()` alone would read "0x7" as 7, "1e1" as 10 and "07" as 7.
 */
export function parseIssueNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^#?[1-9][0-9]*$/.test(trimmed)) return null;
  const number = Number(trimmed.replace(/^#/, ''));
  return number <= MAX_ISSUE_NUMBER ? number : null;
}

/** A payload's number as a number: a string of plain digits is read, anything else left for zod to name. */
const digitsToNumber = (value: unknown) => (typeof value === 'string' && /^[1-9][0-9]*$/.test(value.trim()) ? Number(value.trim()) : value);
/** A positive whole number; a payload may carry it as a string of digits (never "0x7" or "1e1"). */
const issueNumber = () => z.preprocess(digitsToNumber, z.number().int().positive().max(MAX_ISSUE_NUMBER));

const SenderSchema = z.object({ login: z.string(), type: z.string() });
const LabelSchema = z.object({ name: z.string() });
const IssueSchema = z.object({
  number: issueNumber(),
  title: z.string(),
  body: z.string().nullable().optional(),
  labels: z.array(LabelSchema).optional(),
  pull_request: z.unknown().optional(),
});

const IssuesEvent = z.object({ action: z.string(), issue: IssueSchema, label: LabelSchema.optional(), sender: SenderSchema });
const CommentEvent = z.object({
  action: z.string(),
  issue: IssueSchema,
  comment: z.object({ id: z.number(), body: z.string().nullable(), user: SenderSchema }),
  sender: SenderSchema,
});
const PullRequestEvent = z.object({
  action: z.string(),
  number: issueNumber().optional(),
  pull_request: z.object({
    number: issueNumber(),
    title: z.string(),
    body: z.string().nullable().optional(),
    labels: z.array(LabelSchema).optional(),
    head: z.object({ ref: z.string(), sha: z.string().optional(), repo: z.object({ full_name: z.string() }).nullable() }),
    base: z.object({ repo: z.object({ full_name: z.string() }) }),
    merged: z.boolean().nullable().optional(),
  }),
  label: LabelSchema.optional(),
  sender: SenderSchema,
});
const PullSchema = z.object({
  number: issueNumber(),
  head: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }).nullable() }),
  base: z.object({ repo: z.object({ full_name: z.string() }) }),
});
const ReviewEvent = z.object({
  action: z.string(),
  review: z.object({ id: z.number(), state: z.string(), body: z.string().nullable(), user: SenderSchema.nullable() }),
  pull_request: PullSchema,
  sender: SenderSchema,
});
const ReviewCommentEvent = z.object({
  action: z.string(),
  comment: z.object({
    id: z.number(),
    body: z.string(),
    path: z.string(),
    line: z.number().nullable().optional(),
    diff_hunk: z.string().optional(),
    user: SenderSchema.nullable(),
  }),
  pull_request: PullSchema,
  sender: SenderSchema,
});
const EditedEvent = IssuesEvent.extend({
  changes: z
    .object({ title: z.object({ from: z.string() }).optional(), body: z.object({ from: z.string().nullable() }).optional() })
    .optional(),
});
const DispatchEvent = z.object({
  inputs: z.record(z.string(), z.unknown()).nullable().optional(),
  sender: SenderSchema,
});

const skip = (reason: string): Trigger => ({ kind: 'skip', reason });

function parsePayload<T>(schema: z.ZodType<T>, payload: unknown, eventName: string): T | Trigger {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues[0];
  const field = `\`${where?.path.join('.') || '?'}\``;
  const detail = `(${where?.message ?? 'invalid'}); nothing to plan`;
  // A field that is there but holds the wrong thing ("one" as the issue number) is not missing.
  const value = where ? valueAt(payload, where.path) : undefined;
  if (where && value !== undefined) {
    const expected = where.code === 'invalid_type' ? (where.expected === 'int' ? 'whole number' : where.expected) : undefined;
    const what =
      value === null
        ? 'is null'
        : expected
          ? `is not ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}`
          : where.code === 'too_small' || where.code === 'too_big'
            ? 'is out of range'
            : 'is not valid';
    return skip(`the ${eventName} event payload's ${field} ${what} (got ${preview(value)}: ${where.message}); nothing to plan`);
  }
  return skip(`the ${eventName} event payload is missing ${field} ${detail}`);
}

/** A short, one-line picture of a payload value for a skip reason. */
function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return truncate(json, 40);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const isSkip = (value: unknown): value is Trigger => typeof value === 'object' && value !== null && 'kind' in value;

export function decideTrigger(eventName: string, payload: unknown, triggerLabel: string): Trigger {
  const sender = (payload as { sender?: Sender } | null)?.sender;
  if (sender && typeof sender.login === 'string' && isBot({ login: sender.login, type: String(sender.type) })) {
    return skip(`the event was sent by a bot (${sender.login}); wild-plan never answers bots, so it cannot loop`);
  }
  switch (eventName) {
    case 'issues':
      return fromIssues(payload, triggerLabel);
    case 'issue_comment':
      return fromComment(payload);
    case 'workflow_dispatch':
      return fromDispatch(payload);
    case 'pull_request':
      return fromPullRequest(payload, triggerLabel);
    case 'schedule':
      return { kind: 'schedule' };
    case 'pull_request_review':
      return fromReview(payload);
    case 'pull_request_review_comment':
      return fromReviewComment(payload);
    default:
      return skip(
        `the \`${eventName}\` event does not trigger wild-plan (use issues, issue_comment, pull_request, pull_request_review, pull_request_review_comment or workflow_dispatch)`,
      );
  }
}

function fromIssues(payload: unknown, triggerLabel: string): Trigger {
  if ((payload as { action?: unknown } | null)?.action === 'edited') return fromEdit(payload);
  const event = parsePayload(IssuesEvent, payload, 'issues');
  if (isSkip(event)) return event;
  const hasLabel = (event.issue.labels ?? []).some((l) => l.name === triggerLabel);
  if (event.action === 'labeled') {
    if (event.label?.name !== triggerLabel)
      return skip(`the label \`${event.label?.name ?? '?'}\` is not the trigger label \`${triggerLabel}\``);
    if (event.issue.labels && !hasLabel) return skip(`the label \`${triggerLabel}\` was removed before the run started`);
  } else if (event.action === 'opened') {
    if (!hasLabel) return skip(`the new issue does not carry the trigger label \`${triggerLabel}\``);
  } else {
    return skip(`issues.${event.action} does not trigger wild-plan (only labeled, opened with the label, or edited)`);
  }
  const isPullRequest = event.issue.pull_request !== undefined && event.issue.pull_request !== null;
  return {
    kind: 'plan',
    source: 'label',
    sender: event.sender,
    number: event.issue.number,
    isPullRequest,
    title: event.issue.title,
    body: event.issue.body ?? null,
    steer: '',
  };
}

function fromComment(payload: unknown): Trigger {
  const event = parsePayload(CommentEvent, payload, 'issue_comment');
  if (isSkip(event)) return event;
  if (event.action !== 'created') return skip(`issue_comment.${event.action} does not trigger wild-plan (only new comments)`);
  const body = event.comment.body ?? '';
  if (body.includes(MARKER_PREFIX)) return skip("the comment is wild-plan's own");
  const steer = parseCommand(body);
  if (steer === null) return skip(`the comment does not start with \`${COMMAND}\``);
  const isPullRequest = event.issue.pull_request !== undefined && event.issue.pull_request !== null;
  const loop = parseLoopVerb(steer);
  if (loop !== null) {
    return {
      kind: 'loop',
      sender: event.sender,
      number: event.issue.number,
      isPullRequest,
      command: loop,
      commentId: event.comment.id,
      title: event.issue.title,
      body: event.issue.body ?? null,
    };
  }
  return {
    kind: 'plan',
    source: 'comment',
    sender: event.sender,
    number: event.issue.number,
    isPullRequest,
    title: event.issue.title,
    body: event.issue.body ?? null,
    steer,
    commentId: event.comment.id,
  };
}

function fromDispatch(payload: unknown): Trigger {
  const event = parsePayload(DispatchEvent, payload, 'workflow_dispatch');
  if (isSkip(event)) return event;
  const inputs = event.inputs ?? {};
  const read = (...names: string[]) => {
    for (const name of names) {
      const v = inputs[name];
      if ((typeof v === 'string' && v.trim() !== '') || typeof v === 'number') return String(v).trim();
    }
    return undefined;
  };
  const issue = read('issue-number', 'issue_number', 'issue');
  const goal = read('goal');
  const steer = read('steer') ?? '';
  if (issue !== undefined) {
    const number = parseIssueNumber(issue);
    // A person typed it and asked for a run: a value we cannot read fails the run visibly
    // (not a quiet skip), and nothing is written to GitHub.
    if (number === null) {
      return {
        kind: 'refuse',
        reason: `the workflow_dispatch input \`issue-number\` ${preview(issue)} is not an issue number: give the issue's number in plain digits, like 12 or #12 (from 1 to ${MAX_ISSUE_NUMBER})`,
      };
    }
    return { kind: 'plan', source: 'dispatch', sender: event.sender, number, isPullRequest: false, steer };
  }
  if (goal !== undefined) return { kind: 'plan', source: 'dispatch', sender: event.sender, isPullRequest: false, body: goal, steer };
  return skip('the workflow_dispatch run has neither an `issue-number` nor a `goal` input; add one to the workflow and fill it in');
}

function fromPullRequest(payload: unknown, triggerLabel: string): Trigger {
  const event = parsePayload(PullRequestEvent, payload, 'pull_request');
  if (isSkip(event)) return event;
  const pr = event.pull_request;
  if (event.action === 'closed') {
    if (pr.merged !== true) return skip('the pull request was closed without merging');
    const fork = pr.head.repo === null || pr.head.repo.full_name !== pr.base.repo.full_name;
    return { kind: 'merged', sender: event.sender, pullNumber: pr.number, head: { ref: pr.head.ref, sha: pr.head.sha ?? '', fork } };
  }
  const hasLabel = (pr.labels ?? []).some((l) => l.name === triggerLabel);
  if (event.action === 'labeled') {
    if (event.label?.name !== triggerLabel)
      return skip(`the label \`${event.label?.name ?? '?'}\` is not the trigger label \`${triggerLabel}\``);
  } else if (event.action === 'opened') {
    if (!hasLabel) return skip(`the new pull request does not carry the trigger label \`${triggerLabel}\``);
  } else {
    return skip(`pull_request.${event.action} does not trigger wild-plan (only labeled, opened with the label, or a plan PR merged)`);
  }
  const fork = pr.head.repo === null || pr.head.repo.full_name !== pr.base.repo.full_name;
  return {
    kind: 'plan',
    source: 'pull_request',
    sender: event.sender,
    number: pr.number,
    isPullRequest: true,
    title: pr.title,
    body: pr.body ?? null,
    steer: '',
    head: { ref: pr.head.ref, fork },
  };
}

/** A person changed the title or body: a plan made from the old text may be stale. */
function fromEdit(payload: unknown): Trigger {
  const event = parsePayload(EditedEvent, payload, 'issues');
  if (isSkip(event)) return event;
  const changes = event.changes ?? {};
  if (changes.title === undefined && changes.body === undefined) {
    return skip('the edit changed neither the title nor the body (labels, assignees… do not change the goal)');
  }
  if (event.issue.pull_request !== undefined && event.issue.pull_request !== null)
    return skip('an edited pull request has no plan of its own to mark');
  const before: { title?: string; body?: string | null } = {};
  if (changes.title) before.title = changes.title.from;
  if (changes.body) before.body = changes.body.from;
  return {
    kind: 'edited',
    sender: event.sender,
    number: event.issue.number,
    title: event.issue.title,
    body: event.issue.body ?? null,
    before,
  };
}

function headOf(pr: z.infer<typeof PullSchema>): PullHead {
  const fork = pr.head.repo === null || pr.head.repo.full_name !== pr.base.repo.full_name;
  return { ref: pr.head.ref, sha: pr.head.sha, fork };
}

function fromReview(payload: unknown): Trigger {
  const event = parsePayload(ReviewEvent, payload, 'pull_request_review');
  if (isSkip(event)) return event;
  if (event.action !== 'submitted') return skip(`pull_request_review.${event.action} does not trigger wild-plan (only submitted reviews)`);
  const body = event.review.body ?? '';
  if (body.includes(MARKER_PREFIX)) return skip("the review is wild-plan's own");
  return {
    kind: 'review',
    sender: event.sender,
    pullNumber: event.pull_request.number,
    reviewId: event.review.id,
    state: event.review.state.toLowerCase(),
    body,
    head: headOf(event.pull_request),
  };
}

function fromReviewComment(payload: unknown): Trigger {
  const event = parsePayload(ReviewCommentEvent, payload, 'pull_request_review_comment');
  if (isSkip(event)) return event;
  if (event.action !== 'created') return skip(`pull_request_review_comment.${event.action} does not trigger wild-plan (only new comments)`);
  if (event.comment.body.includes(MARKER_PREFIX)) return skip("the comment is wild-plan's own");
  const steer = parseCommand(event.comment.body);
  if (steer === null) return skip(`the review comment does not start with \`${COMMAND}\``);
  return {
    kind: 'line-command',
    sender: event.sender,
    pullNumber: event.pull_request.number,
    commentId: event.comment.id,
    steer,
    path: event.comment.path,
    line: event.comment.line ?? null,
    diffHunk: event.comment.diff_hunk ?? null,
    head: headOf(event.pull_request),
  };
}
