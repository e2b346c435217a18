// HTTP for the Wild server: global fetch with a per-attempt timeout and retries for
// transient faults. It never throws for network trouble; the caller gets either the
// server's answer or a classified failure, so one report can explain every outcome.
// Retried: network errors, timeouts, 408, 429, 5xx (honouring Retry-After). Not retried:
// other statuses and redirect loops.
import { isHttpUrlWithoutCredentials } from '../text/url.js';

export interface HttpRequestOptions {
  url: string;
  method?: 'GET' | 'POST' | 'PATCH';
  /** Sent as `X-Auth-Token` when non-empty. Never appears in any returned text. */
  token?: string;
  /** JSON-encoded and sent with `Content-Type: application/json`. */
  body?: unknown;
  accept?: string;
  timeoutMs: number;
  /** Total tries, first one included (default 3). */
  attempts?: number;
  fetch?: typeof fetch;
  /** Injectable so tests check the backoff without waiting for it. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Upper bound on a server-requested `Retry-After` wait. */
  maxRetryAfterMs?: number;
}

/** The server answered (any status); non-2xx answers are the caller's to judge. */
export interface HttpAnswer {
  kind: 'answer';
  status: number;
  body: string;
  contentType: string;
  headers: Headers;
  ms: number;
  attempts: number;
}

export type NetworkFailureKind = 'timeout' | 'refused' | 'reset' | 'dns' | 'redirect-loop' | 'invalid-url' | 'network';

/** No usable answer at all. `reason` is one line, safe to show (no token). */
export interface HttpFailure {
  kind: 'failure';
  failure: NetworkFailureKind;
  reason: string;
  ms: number;
  attempts: number;
}

export type HttpResult = HttpAnswer | HttpFailure;

const DEFAULT_ATTEMPTS = 3;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 8_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** `Retry-After` in ms (delta-seconds or HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with "equal jitter": half the step fixed, half random. */
export function backoffDelay(retry: number, base: number, max: number, random: () => number): number {
  const step = Math.min(max, base * 2 ** (retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** Scheme, host and port only — what a reason may show of a URL. */
export function displayOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(2))} s`;
}

/** Removes every occurrence of the token from text that may end up in logs or comments. */
export function redact(text: string, token: string | undefined): string {
  return token ? text.split(token).join('***') : text;
}

function errorCodes(error: unknown, seen = new Set<unknown>()): string[] {
  if (typeof error !== 'object' || error === null || seen.has(error)) return [];
  seen.add(error);
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const own = [typeof e.code === 'string' ? e.code : '', typeof e.message === 'string' ? e.message : ''];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => errorCodes(x, seen)) : [];
  return [...own, ...errorCodes(e.cause, seen), ...nested].filter(Boolean);
}

function classify(error: unknown): NetworkFailureKind {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const codes = errorCodes(error).join(' ');
  if (error instanceof RedirectLoopError || /redirect count exceeded/i.test(codes)) return 'redirect-loop';
  if (/ECONNREFUSED/.test(codes)) return 'refused';
  if (/ECONNRESET|UND_ERR_SOCKET|EPIPE|other side closed/.test(codes)) return 'reset';
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME/.test(codes)) return 'dns';
  if (/UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|ETIMEDOUT/.test(codes)) return 'timeout';
  return 'network';
}

function describe(kind: NetworkFailureKind, url: string, opts: { timeoutMs: number; attempts: number }, error: unknown): string {
  const origin = displayOrigin(url);
  const tries = `${opts.attempts} attempt${opts.attempts === 1 ? '' : 's'}`;
  switch (kind) {
    case 'timeout':
      return `no answer within ${formatSeconds(opts.timeoutMs)} (${tries})`;
    case 'refused':
      return `connection refused at ${origin} — is the server running?`;
    case 'reset':
      return `connection reset by ${origin} (${tries}) — is a proxy or the server dropping connections?`;
    case 'dns':
      return `cannot resolve the host of ${origin} — check \`server-url\``;
    case 'redirect-loop':
      return `redirect loop at ${origin} (more than 20 redirects) — is \`server-url\` behind a login or a misconfigured proxy?`;
    case 'invalid-url':
      return '`server-url` is not a valid http(s) URL without credentials';
    case 'network': {
      const detail = errorCodes(error)
        .filter((c) => c !== 'fetch failed')
        .join(': ');
      return `network error reaching ${origin}${detail ? ` (${detail})` : ''}`;
    }
  }
}

const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

class RedirectLoopError extends Error {}

// Redirects are followed by hand: fetch would forward `X-Auth-Token` to whatever host a
// redirect names (it strips only `Authorization`), so the token goes to the origin of
// `server-url` and nowhere else.
async function fetchFollowing(
  doFetch: typeof fetch,
  opts: HttpRequestOptions,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Response> {
  const origin = new URL(opts.url).origin;
  let url = opts.url;
  let method = opts.method ?? 'GET';
  let body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  for (let hop = 0; ; hop++) {
    const sameOrigin = new URL(url).origin === origin;
    const hopHeaders = Object.fromEntries(
      Object.entries(headers).filter(
        ([name]) => (sameOrigin || name !== 'X-Auth-Token') && (body !== undefined || name !== 'Content-Type'),
      ),
    );
    const response = await doFetch(url, { method, headers: hopHeaders, body, redirect: 'manual', signal });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
    if (hop >= MAX_REDIRECTS) throw new RedirectLoopError(`more than ${MAX_REDIRECTS} redirects`);
    await response.body?.cancel();
    url = new URL(location, url).toString();
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
  }
}

export async function httpRequest(opts: HttpRequestOptions): Promise<HttpResult> {
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const maxAttempts = Math.max(1, Math.floor(opts.attempts ?? DEFAULT_ATTEMPTS));
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  if (!isHttpUrlWithoutCredentials(opts.url)) {
    return {
      kind: 'failure',
      failure: 'invalid-url',
      reason: describe('invalid-url', opts.url, { timeoutMs: opts.timeoutMs, attempts: 0 }, null),
      ms: 0,
      attempts: 0,
    };
  }

  const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json', 'User-Agent': 'wild-plan' };
  if (opts.token) headers['X-Auth-Token'] = opts.token;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';

  for (let attempt = 1; ; attempt++) {
    let waitMs: number;
    try {
      const response = await fetchFollowing(doFetch, opts, headers, AbortSignal.timeout(opts.timeoutMs));
      // The body is read under the same deadline: a server that stalls mid-body times out too.
      const body = await response.text();
      const answer: HttpAnswer = {
        kind: 'answer',
        status: response.status,
        body,
        contentType: response.headers.get('content-type') ?? '',
        headers: response.headers,
        ms: elapsed(),
        attempts: attempt,
      };
      if (!isRetryableStatus(response.status) || attempt >= maxAttempts) return answer;
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now());
      waitMs =
        retryAfter === undefined
          ? backoffDelay(attempt, opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS, opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, random)
          : Math.min(retryAfter, opts.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS);
    } catch (error) {
      const kind = classify(error);
      // A redirect loop does not fix itself between attempts.
      if (kind === 'redirect-loop' || attempt >= maxAttempts) {
        const reason = redact(describe(kind, opts.url, { timeoutMs: opts.timeoutMs, attempts: attempt }, error), opts.token);
        return { kind: 'failure', failure: kind, reason, ms: elapsed(), attempts: attempt };
      }
      waitMs = backoffDelay(attempt, opts.baseDelayMs ?? DEFAULT_BASE_DELAY_MS, opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, random);
    }
    await sleep(waitMs);
  }
}

export function getText(opts: Omit<HttpRequestOptions, 'method' | 'body'>): Promise<HttpResult> {
  return httpRequest({ ...opts, method: 'GET' });
}
