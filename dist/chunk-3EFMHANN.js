import { createRequire as __wpCreateRequire } from 'node:module'; const require = __wpCreateRequire(import.meta.url);

// src/quick-skip.ts
var COMMAND = "/wild-plan";
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
var HANDLED_EVENTS = {
  issues: ["labeled", "opened", "edited"],
  issue_comment: ["created"],
  pull_request: ["labeled", "opened", "closed"],
  pull_request_review: ["submitted"],
  pull_request_review_comment: ["created"],
  workflow_dispatch: [],
  schedule: []
};
var EVENTS = new Set(Object.keys(HANDLED_EVENTS));
function quickSkip(eventName, payload, triggerLabel) {
  if (!EVENTS.has(eventName)) return `the \`${eventName}\` event does not trigger wild-plan`;
  const p = payload ?? {};
  if (typeof p.sender?.login === "string" && isBot({ login: p.sender.login, type: String(p.sender.type) })) {
    return `the event was sent by a bot (${p.sender.login})`;
  }
  if ((eventName === "issues" || eventName === "pull_request") && p.action === "labeled" && typeof p.label?.name === "string" && p.label.name !== triggerLabel) {
    return `the label \`${p.label.name}\` is not the trigger label \`${triggerLabel}\``;
  }
  if ((eventName === "issue_comment" || eventName === "pull_request_review_comment") && typeof p.comment?.body === "string" && parseCommand(p.comment.body) === null) {
    return `the comment does not start with \`${COMMAND}\``;
  }
  return null;
}

export {
  COMMAND,
  isBot,
  parseCommand,
  quickSkip
};
