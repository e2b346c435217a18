import type { z } from 'zod';
import { oneLine } from '../text/one-line.js';
import { httpRequest, redact, type HttpAnswer, type HttpResult } from './http.js';
import { OpenApiSchema, SkillListSchema, SystemHealthSchema, type OpenApiDocument, type Skill, type SystemHealth } from './schemas.js';

// The planning prompt's own preflight is four `curl -sf` calls; this is the same check
// done once, by the action, with a token, a deadline and retries — and a reason per check
// that tells the user what to fix.

/** The four every known prompt checks by name; any other path the prompt's preflight block names goes by its path. */
export type PreflightCheckName = 'docs' | 'openapi' | 'prompt-skills' | 'system-health' | (string & {});

export interface PreflightCheck {
  name: PreflightCheckName;
  path: string;
  ok: boolean;
  status: number | null;
  ms: number;
  attempts: number;
  reason?: string;
}

export interface PreflightReport {
  ok: boolean;
  serverUrl: string;
  checks: PreflightCheck[];
  openapi?: OpenApiDocument;
  skills?: Skill[];
  health?: SystemHealth;
}

export interface PreflightOptions extends ServerClientOptions {
  /** The paths the prompt's preflight block checks; default the four every known version checks. */
  paths?: readonly string[];
}

export interface ServerClientOptions {
  serverUrl: string;
  token?: string;
  timeoutMs: number;
  attempts?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface CheckSpec {
  name: PreflightCheckName;
  path: string;
  schema?: z.ZodType;
}

const CHECKS: readonly CheckSpec[] = [
  { name: 'docs', path: '/docs' },
  { name: 'openapi', path: '/openapi.json', schema: OpenApiSchema },
  { name: 'prompt-skills', path: '/prompt-skills', schema: SkillListSchema },
  { name: 'system-health', path: '/wild/v2/system-health', schema: SystemHealthSchema },
];

/** `https://host/base///` → `https://host/base`, so paths join without `//`. */
export function normaliseServerUrl(serverUrl: string): string {
  return serverUrl.trim().replace(/\/+$/, '');
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return normaliseServerUrl(parsed.toString());
  } catch {
    return url;
  }
}

/** One line for a non-2xx answer, pointing at the input to fix. */
export function explainStatus(answer: HttpAnswer, tokenGiven: boolean): string {
  const { status, attempts } = answer;
  if (status === 401) {
    return tokenGiven
      ? "401: the server rejected the token — check that `server-token` matches the server's RESEARCH_AGENT_USER_AUTH_TOKEN"
      : '401: the server wants a token — set `server-token`';
  }
  if (status === 403) return '403: forbidden — the token lacks access, or a proxy in front of the server blocks this runner';
  if (status === 404) return "404: no such endpoint — is `server-url` the research server's base URL?";
  if (status === 408 || status === 429 || status >= 500) {
    return `${status} after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  }
  if (status >= 300 && status < 400) return `${status}: a redirect without a usable Location — check \`server-url\``;
  return `${status}: unexpected answer${detailOf(answer.body)}`;
}

function detailOf(body: string): string {
  try {
    const detail: unknown = (JSON.parse(body) as { detail?: unknown }).detail;
    if (typeof detail === 'string' && detail.length > 0) return ` (${oneLine(detail, 120)})`;
  } catch {
    // Not JSON: nothing worth quoting.
  }
  return '';
}

function looksLikeHtml(answer: HttpAnswer): boolean {
  return /text\/html/i.test(answer.contentType) || /^\s*</.test(answer.body);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function shapeReason(error: z.ZodError, data: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'JSON of the wrong shape';
  const where = issue.path.length ? issue.path.map(String).join('.') : 'top level';
  const found = valueAt(data, issue.path);
  if (issue.code === 'invalid_type') {
    if (found === undefined && issue.path.length) return `JSON of the wrong shape: ${where} missing`;
    return `JSON of the wrong shape: ${where} should be ${article(issue.expected)}, got ${typeName(found)}`;
  }
  return `JSON of the wrong shape: ${where}: ${issue.message}`;
}

function article(expected: string): string {
  if (expected === 'record' || expected === 'object') return 'an object';
  if (expected === 'array') return 'an array';
  return `a ${expected}`;
}

export type JsonReading<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A 2xx answer's body as JSON of the expected shape, or a one-line reason why not. */
export function readJson<T>(answer: HttpAnswer, schema: z.ZodType<T>, token?: string): JsonReading<T> {
  if (looksLikeHtml(answer)) {
    return { ok: false, reason: 'expected JSON, got HTML — is `server-url` pointing at a web page or proxy login?' };
  }
  let data: unknown;
  try {
    data = JSON.parse(answer.body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: redact(`invalid JSON: ${oneLine(message, 120)}`, token) };
  }
  const parsed = schema.safeParse(data);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: redact(shapeReason(parsed.error, data), token) };
}

/** Ok/reason for a finished request: network failures, statuses, then the body. */
export function judge<T>(
  result: HttpResult,
  schema: z.ZodType<T> | undefined,
  token: string | undefined,
): { ok: true; value?: T } | { ok: false; reason: string } {
  if (result.kind === 'failure') return { ok: false, reason: result.reason };
  if (result.status < 200 || result.status >= 300) return { ok: false, reason: redact(explainStatus(result, Boolean(token)), token) };
  if (!schema) return { ok: true };
  return readJson(result, schema, token);
}

/** A path the prompt names: one of the four (whose answers the run uses), or a plain status check like `curl -sf`. */
function checkFor(path: string): CheckSpec {
  return CHECKS.find((check) => check.path === path) ?? { name: path, path };
}

async function runCheck(
  check: CheckSpec,
  serverUrl: string,
  opts: ServerClientOptions,
): Promise<{ check: PreflightCheck; value?: unknown }> {
  const result = await httpRequest({
    url: `${serverUrl}${check.path}`,
    token: opts.token,
    timeoutMs: opts.timeoutMs,
    attempts: opts.attempts,
    accept: check.name === 'docs' ? 'text/html' : 'application/json',
    fetch: opts.fetch,
    sleep: opts.sleep,
    random: opts.random,
  });
  const verdict = judge(result, check.schema, opts.token);
  const base = {
    name: check.name,
    path: check.path,
    status: result.kind === 'answer' ? result.status : null,
    ms: result.ms,
    attempts: result.attempts,
  };
  return verdict.ok ? { check: { ...base, ok: true }, value: verdict.value } : { check: { ...base, ok: false, reason: verdict.reason } };
}

export async function runPreflight(opts: PreflightOptions): Promise<PreflightReport> {
  const serverUrl = normaliseServerUrl(opts.serverUrl);
  const checks = opts.paths ? opts.paths.map(checkFor) : CHECKS;
  // All at once: the slowest check bounds the wait, not the sum of them.
  const results = await Promise.all(checks.map((check) => runCheck(check, serverUrl, opts)));
  const byName = (name: PreflightCheckName) => results.find((r) => r.check.name === name)?.value;
  const report: PreflightReport = {
    ok: results.every((r) => r.check.ok),
    serverUrl: redact(withoutCredentials(serverUrl), opts.token),
    checks: results.map((r) => r.check),
  };
  const openapi = byName('openapi') as OpenApiDocument | undefined;
  const skills = byName('prompt-skills') as Skill[] | undefined;
  const health = byName('system-health') as SystemHealth | undefined;
  if (openapi) report.openapi = openapi;
  if (skills) report.skills = skills;
  if (health) report.health = health;
  return report;
}
