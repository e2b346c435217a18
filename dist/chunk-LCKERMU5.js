import { createRequire as __wpCreateRequire } from 'node:module'; const require = __wpCreateRequire(import.meta.url);
import {
  external_exports
} from "./chunk-TE2PH3D7.js";

// src/trigger.ts
var COMMAND = "/wild-plan";
var MARKER_PREFIX = "<!-- wild-plan:";
var SenderSchema = external_exports.object({ login: external_exports.string(), type: external_exports.string() });
var LabelSchema = external_exports.object({ name: external_exports.string() });
var IssueSchema = external_exports.object({
  number: external_exports.coerce.number().int().positive(),
  title: external_exports.string(),
  body: external_exports.string().nullable().optional(),
  labels: external_exports.array(LabelSchema).optional(),
  pull_request: external_exports.unknown().optional()
});
var IssuesEvent = external_exports.object({ action: external_exports.string(), issue: IssueSchema, label: LabelSchema.optional(), sender: SenderSchema });
var CommentEvent = external_exports.object({
  action: external_exports.string(),
  issue: IssueSchema,
  comment: external_exports.object({ id: external_exports.number(), body: external_exports.string().nullable(), user: SenderSchema }),
  sender: SenderSchema
});
var PullRequestEvent = external_exports.object({
  action: external_exports.string(),
  number: external_exports.coerce.number().int().positive().optional(),
  pull_request: external_exports.object({
    number: external_exports.coerce.number().int().positive(),
    title: external_exports.string(),
    body: external_exports.string().nullable().optional(),
    labels: external_exports.array(LabelSchema).optional(),
    head: external_exports.object({ ref: external_exports.string(), repo: external_exports.object({ full_name: external_exports.string() }).nullable() }),
    base: external_exports.object({ repo: external_exports.object({ full_name: external_exports.string() }) })
  }),
  label: LabelSchema.optional(),
  sender: SenderSchema
});
var DispatchEvent = external_exports.object({
  inputs: external_exports.record(external_exports.string(), external_exports.unknown()).nullable().optional(),
  sender: SenderSchema
});
function isBot(sender) {
  return sender.type === "Bot" || sender.login.endsWith("[bot]");
}
function parseCommand(body) {
  const text = body.trimStart();
  if (!text.startsWith(COMMAND)) return null;
  const rest = text.slice(COMMAND.length);
  if (rest !== "" && !/^\s/.test(rest)) return null;
  return rest.trim();
}
var skip = (reason) => ({ kind: "skip", reason });
function parsePayload(schema, payload, eventName) {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues[0];
  return skip(`the ${eventName} event payload is missing \`${where?.path.join(".") || "?"}\` (${where?.message ?? "invalid"}); nothing to plan`);
}
var isSkip = (value) => typeof value === "object" && value !== null && "kind" in value;
function decideTrigger(eventName, payload, triggerLabel) {
  const sender = payload?.sender;
  if (sender && typeof sender.login === "string" && isBot({ login: sender.login, type: String(sender.type) })) {
    return skip(`the event was sent by a bot (${sender.login}); wild-plan never answers bots, so it cannot loop`);
  }
  switch (eventName) {
    case "issues":
      return fromIssues(payload, triggerLabel);
    case "issue_comment":
      return fromComment(payload);
    case "workflow_dispatch":
      return fromDispatch(payload);
    case "pull_request":
      return fromPullRequest(payload, triggerLabel);
    default:
      return skip(`the \`${eventName}\` event does not trigger wild-plan (use issues, issue_comment, pull_request or workflow_dispatch)`);
  }
}
function fromIssues(payload, triggerLabel) {
  const event = parsePayload(IssuesEvent, payload, "issues");
  if (isSkip(event)) return event;
  const hasLabel = (event.issue.labels ?? []).some((l) => l.name === triggerLabel);
  if (event.action === "labeled") {
    if (event.label?.name !== triggerLabel) return skip(`the label \`${event.label?.name ?? "?"}\` is not the trigger label \`${triggerLabel}\``);
    if (event.issue.labels && !hasLabel) return skip(`the label \`${triggerLabel}\` was removed before the run started`);
  } else if (event.action === "opened") {
    if (!hasLabel) return skip(`the new issue does not carry the trigger label \`${triggerLabel}\``);
  } else {
    return skip(`issues.${event.action} does not trigger wild-plan (only labeled, or opened with the label)`);
  }
  const isPullRequest = event.issue.pull_request !== void 0 && event.issue.pull_request !== null;
  return { kind: "plan", source: "label", sender: event.sender, number: event.issue.number, isPullRequest, title: event.issue.title, body: event.issue.body ?? null, steer: "" };
}
function fromComment(payload) {
  const event = parsePayload(CommentEvent, payload, "issue_comment");
  if (isSkip(event)) return event;
  if (event.action !== "created") return skip(`issue_comment.${event.action} does not trigger wild-plan (only new comments)`);
  const body = event.comment.body ?? "";
  if (body.includes(MARKER_PREFIX)) return skip("the comment is wild-plan's own");
  const steer = parseCommand(body);
  if (steer === null) return skip(`the comment does not start with \`${COMMAND}\``);
  const isPullRequest = event.issue.pull_request !== void 0 && event.issue.pull_request !== null;
  return {
    kind: "plan",
    source: "comment",
    sender: event.sender,
    number: event.issue.number,
    isPullRequest,
    title: event.issue.title,
    body: event.issue.body ?? null,
    steer,
    commentId: event.comment.id
  };
}
function fromDispatch(payload) {
  const event = parsePayload(DispatchEvent, payload, "workflow_dispatch");
  if (isSkip(event)) return event;
  const inputs = event.inputs ?? {};
  const read = (...names) => {
    for (const name of names) {
      const v = inputs[name];
      if (typeof v === "string" && v.trim() !== "" || typeof v === "number") return String(v).trim();
    }
    return void 0;
  };
  const issue = read("issue-number", "issue_number", "issue");
  const goal = read("goal");
  const steer = read("steer") ?? "";
  if (issue !== void 0) {
    const number = Number(issue.replace(/^#/, ""));
    if (!Number.isInteger(number) || number <= 0) {
      return skip(`the workflow_dispatch input \`issue-number\` "${issue}" is not an issue number`);
    }
    return { kind: "plan", source: "dispatch", sender: event.sender, number, isPullRequest: false, steer };
  }
  if (goal !== void 0) return { kind: "plan", source: "dispatch", sender: event.sender, isPullRequest: false, body: goal, steer };
  return skip("the workflow_dispatch run has neither an `issue-number` nor a `goal` input; add one to the workflow and fill it in");
}
function fromPullRequest(payload, triggerLabel) {
  const event = parsePayload(PullRequestEvent, payload, "pull_request");
  if (isSkip(event)) return event;
  const pr = event.pull_request;
  const hasLabel = (pr.labels ?? []).some((l) => l.name === triggerLabel);
  if (event.action === "labeled") {
    if (event.label?.name !== triggerLabel) return skip(`the label \`${event.label?.name ?? "?"}\` is not the trigger label \`${triggerLabel}\``);
  } else if (event.action === "opened") {
    if (!hasLabel) return skip(`the new pull request does not carry the trigger label \`${triggerLabel}\``);
  } else {
    return skip(`pull_request.${event.action} does not trigger wild-plan (only labeled, or opened with the label)`);
  }
  const fork = pr.head.repo === null || pr.head.repo.full_name !== pr.base.repo.full_name;
  return {
    kind: "plan",
    source: "pull_request",
    sender: event.sender,
    number: pr.number,
    isPullRequest: true,
    title: pr.title,
    body: pr.body ?? null,
    steer: "",
    head: { ref: pr.head.ref, fork }
  };
}

export {
  decideTrigger
};
