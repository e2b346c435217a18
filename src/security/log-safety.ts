// Printing untrusted text (the agent's output, issue text, request paths the agent chose) to
// the Actions log without letting it speak to the runner. The runner reads every line an
// action prints and runs it as a workflow command when it parses as one: `::name …::data`
// at the start of the line (after leading whitespace), or the legacy `##[name …]data`
// anywhere in it (actions/runner ActionCommandManager.TryProcessCommand). Such lines can set
// outputs, add masks, raise annotations, or stop command processing for the rest of the step.
//
// `::stop-commands::<token>` makes the runner ignore every command until a line that parses
// as the command `<token>`; with a token the text cannot contain, nothing inside can resume
// processing early. Command names and the token compare case-insensitively, so the check is
// done on case-folded text.

import { randomBytes } from 'node:crypto';

const STOP = 'stop-commands';

/** A fresh token no case-folding of `text` contains: 128 random bits, checked anyway. */
export function stopToken(text: string): string {
  for (;;) {
    const token = `wild-plan-${randomBytes(16).toString('hex')}`;
    if (!containsFolded(text, token)) return token;
  }
}

/**
 * `text` wrapped so the runner shows it verbatim and runs none of it: `::stop-commands::`
 * with a fresh random token, the text, then `::<token>::` on its own line to resume.
 * `token` is for tests; it must not occur in the text.
 */
export function untrustedBlock(text: string, token: string = stopToken(text)): string {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) {
    throw new Error('untrustedBlock: the stop token must be 16 or more letters, digits, `-` or `_`');
  }
  if (containsFolded(text, token)) throw new Error('untrustedBlock: the stop token occurs in the text');
  // The resume must be a line of its own; a text ending in \r or \n already ends its line.
  const body = /[\r\n]$/.test(text) ? text : `${text}\n`;
  return `::${STOP}::${token}\n${body}::${token}::`;
}

/**
 * `text` as it is when no line of it can be read as a workflow command, else wrapped in an
 * untrustedBlock. Errs on the side of wrapping: any `::` or `##[` counts, because the
 * runner trims Unicode whitespace (U+0085 too) before looking for `::`.
 */
export function inertText(text: string): string {
  if (isUntrustedBlock(text)) return text;
  return text.includes('::') || text.includes('##[') ? untrustedBlock(text) : text;
}

/**
 * Whether `text` is already inert as a whole: a `::stop-commands::<token>` first line, a
 * `::<token>::` last line, and the token nowhere in between (case-folded), so nothing inside
 * can resume processing early. Whoever wrote it, such a text runs nothing but its own stop and
 * resume; inertText passes it through, so text wrapped once is not wrapped again by the log.
 */
export function isUntrustedBlock(text: string): boolean {
  const open = /^::stop-commands::([A-Za-z0-9_-]{16,})\n/.exec(text);
  if (!open) return false;
  const token = open[1]!;
  const close = `::${token}::`;
  if (!text.endsWith(close)) return false;
  const body = text.slice(open[0].length, text.length - close.length);
  return /[\r\n]$/.test(body) && !containsFolded(body, token);
}

function containsFolded(text: string, token: string): boolean {
  // Both foldings: `ı`, `ſ` upper-case to ASCII and the Kelvin sign lower-cases to `k`.
  return text.toUpperCase().includes(token.toUpperCase()) || text.toLowerCase().includes(token.toLowerCase());
}
