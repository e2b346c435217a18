// The credentials the runner handed this process, whether or not wild-plan knows what they are
// for. The action's environment holds more than its two tokens: ACTIONS_RUNTIME_TOKEN (the
// runner's own, for caches and artifacts), ACTIONS_ID_TOKEN_REQUEST_TOKEN (mints OIDC tokens
// when the job may), its inputs as INPUT_* (tokens included), and whatever `env:` the workflow
// gives the step (a provider key, a deploy password). The agent never sees that environment
// (and, where it can, runs as another user), but if one of those values still reaches text we
// write, it is redacted like a known token: defence in depth behind the sandbox.
//
// The rule is by NAME, then by VALUE:
//
//  - A name is split into words on `_`, `-` (the runner keeps `-` in input names, as in
//    `INPUT_SERVER-TOKEN`) and any other non-alphanumeric character, case-folded. It is a
//    credential's name when one word is TOKEN, SECRET, PASSWORD, PASSWD, PASSPHRASE, PAT, KEY,
//    APIKEY, CREDENTIAL(S) or CREDS — so `*_TOKEN`, `*_KEY`, `*_SECRET`, `*_API_KEY`, `*_PAT`,
//    `AWS_SECRET_ACCESS_KEY` — but whole words only: PATH is not PAT, KEYBOARD is not KEY.
//    Unless the LAST word says the value is about a credential, not one: `*_FILE`, `*_PATH`,
//    `*_DIR`, `*_URL`, `*_URI`, `*_HOST`, `*_PORT`, `*_ENDPOINT`, `*_NAME`, `*_ID`, `*_TYPE`,
//    `*_USER`, `*_USERNAME` (`SSH_KEY_PATH`, `ACTIONS_ID_TOKEN_REQUEST_URL`, `AWS_ACCESS_KEY_ID`
//    — an AWS key id is redacted by its shape anyway).
//  - The value, trimmed, must be 8 or more characters and not obviously something else:
//    a boolean word (`INPUT_TOKEN-USAGE=true`), a number, a URL without a password, or an
//    absolute path that exists (`GOOGLE_APPLICATION_CREDENTIALS=/…/key.json`). Every value
//    taken is cut out of plans and comments wherever it occurs, so a value like `true` or
//    `/home/runner` would wreck ordinary text.
//  - A multi-line value (a PEM key) also gives each of its lines that is 16 or more
//    characters without a space, bar `-----BEGIN …-----` armour: a leak of one line of a key
//    is a leak.
//  - Whatever the name, the password of a URL with one (`HTTPS_PROXY=http://user:pw@proxy`).
import { existsSync } from 'node:fs';

/** Values shorter than this are not taken: no credential is that short, and words are. */
export const MIN_RUNNER_CREDENTIAL_LENGTH = 8;
/** Lines of a multi-line value shorter than this are not taken on their own. */
const MIN_LINE_LENGTH = 16;

const CREDENTIAL_WORDS = new Set([
  'TOKEN',
  'SECRET',
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'PAT',
  'KEY',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
]);
const NOT_THE_CREDENTIAL = new Set([
  'FILE',
  'PATH',
  'DIR',
  'URL',
  'URI',
  'HOST',
  'PORT',
  'ENDPOINT',
  'NAME',
  'ID',
  'TYPE',
  'USER',
  'USERNAME',
]);
const NOT_A_SECRET = /^(?:true|false|yes|no|on|off|null|none|undefined|enabled|disabled)$/i;
const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/;

/** Whether an environment variable's name says its value is a credential (see above). */
export function isCredentialName(name: string): boolean {
  const words = name
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  const last = words[words.length - 1];
  if (last === undefined || NOT_THE_CREDENTIAL.has(last)) return false;
  return words.some((word) => CREDENTIAL_WORDS.has(word));
}

/**
 * The values of `env` that look like credentials, trimmed and deduplicated: those of
 * variables whose name says so and whose value is not obviously something else, and the
 * passwords of URLs with one. For redaction and for the runner's log masking; never print them.
 */
export function runnerCredentials(env: NodeJS.ProcessEnv): string[] {
  const found = new Set<string>();
  const take = (value: string) => {
    if (value.length >= MIN_RUNNER_CREDENTIAL_LENGTH) found.add(value);
  };
  for (const [name, raw] of Object.entries(env)) {
    const value = raw?.trim();
    if (!value) continue;
    const password = urlPassword(value);
    if (password !== null) {
      password.forEach(take);
      continue;
    }
    if (!isCredentialName(name) || !looksSecret(value)) continue;
    take(value);
    if (/[\r\n]/.test(value)) {
      for (const line of value.split(/\r?\n|\r/)) {
        const piece = line.trim();
        if (piece.length >= MIN_LINE_LENGTH && !/\s/.test(piece) && !piece.startsWith('-----')) take(piece);
      }
    }
  }
  return [...found];
}

function looksSecret(value: string): boolean {
  if (value.length < MIN_RUNNER_CREDENTIAL_LENGTH) return false;
  if (NOT_A_SECRET.test(value) || NUMBER.test(value)) return false;
  // A path that names something on this machine is a path, not a credential.
  if (value.startsWith('/') && !/\s/.test(value) && existsSync(value)) return false;
  return true;
}

/**
 * For a value that is a URL: its password (as written and decoded), empty when it has
 * none. Null when the value is not a URL.
 */
function urlPassword(value: string): string[] | null {
  if (!URL_LIKE.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (!url.password) return [];
  let decoded = url.password;
  try {
    decoded = decodeURIComponent(url.password);
  } catch {
    // Malformed escapes: the written form is all there is.
  }
  return [...new Set([url.password, decoded])];
}
