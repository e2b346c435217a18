// A review, or a `/wild-plan` comment on a line, as the steer of a re-plan: the reviewer's words,
// and each inline comment with the file, the line and that line's text, so the agent knows which
// task each remark is about. Untrusted text all of it: goal.ts sanitises and caps the steer.
import { commentedLine, type InlineComment } from '../github/reviews.js';

export interface ReviewSteerInput {
  reviewer: string;
  body: string;
  comments: readonly Pick<InlineComment, 'path' | 'line' | 'body' | 'diffHunk' | 'inReplyTo'>[];
}

export function reviewSteer(input: ReviewSteerInput): string {
  const parts = [`@${input.reviewer} reviewed the plan and requested changes.`];
  if (input.body.trim()) parts.push(`Their review:\n${quote(input.body)}`);
  // A reply in a thread is part of that conversation; the thread's first comment carries the line.
  const inline = input.comments.filter((c) => c.body.trim() !== '');
  if (inline.length > 0) parts.push(`Their comments on lines of the plan (${inline.length}):`, ...inline.map(onLine));
  return parts.join('\n\n');
}

export function lineSteer(input: { direction: string; path: string; line: number | null; diffHunk: string | null }): string {
  return [input.direction.trim() || 'Revise the plan at this line.', onLine({ ...input, body: '', inReplyTo: null })].join('\n\n');
}

function onLine(c: Pick<InlineComment, 'path' | 'line' | 'body' | 'diffHunk' | 'inReplyTo'>): string {
  const where = `On \`${c.path}\`${c.line === null ? ' (a comment on the file, or on a line that has since changed)' : `, line ${c.line}`}:`;
  const text = c.line === null ? null : commentedLine(c.diffHunk);
  const lines = [where];
  if (text !== null) lines.push(`the line reads:\n${quote(text)}`);
  if (c.body.trim()) lines.push(`${c.inReplyTo === null ? 'the comment' : 'a reply in that thread'}:\n${quote(c.body)}`);
  return lines.join('\n');
}

function quote(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}
