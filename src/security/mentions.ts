// What wild-plan posts quotes text nobody vetted: the issue title, a steer comment, the agent's
// summary and plan. GitHub turns `@user` and `@org/team` in a comment, PR title or PR body into
// a notification, so an issue (or an agent) could make the bot ping anyone, a whole team, over
// and over. Every `@` that GitHub could read as a mention gets a zero-width joiner after it:
// the text looks the same, copies almost the same, and pings nobody. What is committed
// (tasks.md, the playbook) is left exactly as the agent wrote it.

/** U+200D ZERO WIDTH JOINER. The goal sanitizer strips it from input, so it only ever comes from here. */
export const MENTION_BREAK = '\u200D';

/**
 * `@` followed by a letter or digit (a login, or an org of `@org/team`), not preceded by a
 * letter or digit (`ada@example.com` is an address, not a mention) nor by `/` (a URL path like
 * `https://medium.com/@author` is a link, not a mention).
 */
const MENTION = /(^|[^\p{L}\p{N}/])@(?=[A-Za-z0-9])/gu;

/** `text` with no `@mention` GitHub would notify; idempotent. */
export function neutralizeMentions(text: string): string {
  return text.replace(MENTION, `$1@${MENTION_BREAK}`);
}

/** Whether `text` still holds something GitHub would read as a mention (for checks and tests). */
export function hasMention(text: string): boolean {
  MENTION.lastIndex = 0;
  const found = MENTION.test(text);
  MENTION.lastIndex = 0;
  return found;
}

/** Every string inside a JSON-like value (a Plan, findings) with mentions neutralised; a copy. */
export function neutralizeDeep<T>(value: T): T {
  if (typeof value === 'string') return neutralizeMentions(value) as T;
  if (Array.isArray(value)) return value.map((v) => neutralizeDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, neutralizeDeep(v)])) as T;
  }
  return value;
}
