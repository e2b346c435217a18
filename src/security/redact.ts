// Redaction of secrets from text bound for places people read: the files we commit, PR and
// issue comments, the job summary, the log. The agent ran untrusted issue text with a shell,
// so whatever it printed or wrote may hold a token it found (in a file, a process, the
// network); a GitHub comment is public and forever, so we redact before writing, not after.
//
// Two phases, both linear in the text:
//  1. the secrets we know (the inputs' tokens, and what the runner handed the process that
//     looks like one: runner-secrets.ts) as they are, as they stand inside a JSON string, and
//     their base64 forms — git sends the token as base64 of `x-access-token:<token>`, and a
//     token embedded in any base64 blob shows up as one of three fixed strings, one per byte
//     alignment;
//  2. strings shaped like well-known credentials (GitHub, OpenAI, Anthropic, AWS, JWT, Slack).
// Every match becomes `[REDACTED:<kind>]`. Existing markers are skipped whole, so redacting
// twice gives the same text as redacting once.

/** Known secrets shorter than this are not redacted: they would cut words out of prose. */
export const MIN_SECRET_LENGTH = 4;
/** Below this the base64 forms are too short to be told from ordinary text. */
const MIN_ENCODED_SECRET_LENGTH = 8;

export const REDACTION_KINDS = [
  'secret',
  'github-pat',
  'github-token',
  'anthropic-key',
  'openai-key',
  'aws-access-key-id',
  'jwt',
  'slack-token',
] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

export const redactionMarker = (kind: RedactionKind): string => `[REDACTED:${kind}]`;

// Matched first, at every position, so a marker is copied whole and never re-examined. Only
// our own kinds: were any `[REDACTED:…]` skipped, text could smuggle a lowercase hex token
// out as `[REDACTED:<token>]`.
const MARKER = String.raw`\[REDACTED:(?:${REDACTION_KINDS.join('|')})\]`;
// Token rules start only where no letter or digit precedes, so `risk-…` never reads as an
// `sk-` key. Every body is one greedy character class that stops at the first character
// outside it, and no class holds `[`: a failed attempt scans one run once, never the rest
// of the text again, which keeps the whole scan linear.
const START = '(?<![A-Za-z0-9])';

interface TokenRule {
  kind: RedactionKind;
  source: string;
  /** A second look at a match, for prefixes that ordinary words can also form. */
  accept?: (match: string) => boolean;
}

const hasDigitAndLetter = (match: string) => /[0-9]/.test(match.slice(3)) && /[A-Za-z]/.test(match.slice(3));

const TOKEN_RULES: readonly TokenRule[] = [
  // Fine-grained PAT: github_pat_ + 22 + _ + 59 (longer accepted: the format may grow).
  { kind: 'github-pat', source: 'github_pat_[A-Za-z0-9]{22,}_[A-Za-z0-9]{59,}' },
  // ghp_ personal, gho_ OAuth, ghu_ user-to-server, ghs_ server-to-server (GITHUB_TOKEN), ghr_ refresh.
  { kind: 'github-token', source: 'gh[pousr]_[A-Za-z0-9]{36,}' },
  { kind: 'anthropic-key', source: 'sk-ant-[A-Za-z0-9_-]{20,}', accept: hasDigitAndLetter },
  // sk-…, sk-proj-…, sk-svcacct-…, sk-admin-…: the body runs over the second prefix too.
  { kind: 'openai-key', source: 'sk-[A-Za-z0-9_-]{20,}', accept: hasDigitAndLetter },
  // Long-term (AKIA) and temporary (ASIA) access key ids; exactly 20 characters.
  { kind: 'aws-access-key-id', source: '(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])' },
  // header.payload.signature, both JSON objects (`{"` is `eyJ` in base64url); alg none has no signature.
  { kind: 'jwt', source: String.raw`eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*` },
  { kind: 'slack-token', source: 'xox[abprs]-[A-Za-z0-9-]{10,}' },
];

const TOKEN_PATTERN = new RegExp(`(${MARKER})|${START}(?:${TOKEN_RULES.map((r) => `(${r.source})`).join('|')})`, 'g');

/**
 * `text` with every known secret, every base64 form of one, and every token-shaped string
 * replaced by a `[REDACTED:kind]` marker. Ordinary prose, code and plans come out unchanged.
 * Idempotent for secrets without `[` (no real token has one).
 */
export function redactSecrets(text: string, knownSecrets: readonly string[]): string {
  return secretRedactor(knownSecrets)(text);
}

/**
 * redactSecrets for one list of secrets, its pattern built once: for the many lines of a log.
 * The list is read now; secrets added to it later are not seen.
 */
export function secretRedactor(knownSecrets: readonly string[]): (text: string) => string {
  const known = knownPattern(knownSecrets);
  const marker = redactionMarker('secret');
  return (text) => redactTokens(known ? text.replace(known, (match, existing: string | undefined) => existing ?? marker) : text);
}

/** Each secret and the strings it turns into on the way to a log or a header. */
export function secretForms(secret: string): string[] {
  if (secret.trim().length < MIN_SECRET_LENGTH) return [];
  // As it stands inside a JSON string (an output such as plan-json), when that differs: a
  // secret with a quote, a backslash or a newline would otherwise pass, or be cut mid-escape.
  const forms = [secret, JSON.stringify(secret).slice(1, -1)];
  if (secret.length >= MIN_ENCODED_SECRET_LENGTH) {
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    // Whole values first (the longest match wins), then the alignment cores that find the
    // secret inside any longer blob.
    forms.push(b64(`x-access-token:${secret}`), b64(secret), b64(`${secret}:`), b64(`:${secret}`));
    forms.push(...base64Cores(Buffer.from(secret, 'utf8')));
  }
  const all = forms.flatMap((form) => [form, toBase64Url(form)]);
  return [...new Set(all)].sort((a, b) => b.length - a.length);
}

/**
 * The base64 characters that depend on `bytes` alone, for each of the three offsets the
 * bytes can sit at inside a longer encoded value. Whatever surrounds the secret, its
 * encoding contains one of these.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Character j carries bits [6j, 6j + 6); keep those inside the secret's bits.
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    cores.push(encoded.slice(first, end));
  }
  return cores;
}

const toBase64Url = (s: string) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Every form of every secret, longest first, after any marker; null when there is none. */
function knownPattern(knownSecrets: readonly string[]): RegExp | null {
  const forms = [...new Set(knownSecrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return null;
  return new RegExp(`(${MARKER})|(?:${forms.map(escapeRegExp).join('|')})`, 'g');
}

function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, (match: string, existing: string | undefined, ...rest: unknown[]) => {
    if (existing !== undefined) return match;
    const index = rest.findIndex((group, i) => i < TOKEN_RULES.length && group !== undefined);
    const rule = TOKEN_RULES[index];
    if (rule === undefined || (rule.accept && !rule.accept(match))) return match;
    return redactionMarker(rule.kind);
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
