// An Octokit built the way production builds it (getOctokit + retry + throttling), pointed at
// the fake, with the plugins' waits shrunk so retries cost milliseconds instead of seconds.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
// A dependency of @octokit/plugin-throttling, imported for its Group type and constructor.
import Bottleneck from 'bottleneck';

export type TestOctokit = ReturnType<typeof getOctokit>;

export interface LimitEvent {
  kind: 'primary' | 'secondary';
  retryAfter: number;
  method: string;
  url: string;
  retryCount: number;
  retried: boolean;
}

export interface TestOctokitOptions {
  /** Default: the fake's own token. */
  token?: string;
  /** How many times a rate-limited request is retried (production: 2). */
  maxRateLimitRetries?: number;
  /** Retries of 5xx and network failures by the retry plugin (its default: 3). */
  retries?: number;
  /** Receives every rate-limit callback the throttling plugin makes. */
  limitEvents?: LimitEvent[];
  /** Milliseconds per second of `retry-after` and per retry step (default 5). */
  msPerSecond?: number;
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export function createTestOctokit(fake: { url: string; token: string }, options: TestOctokitOptions = {}): TestOctokit {
  const maxRetries = options.maxRateLimitRetries ?? 2;
  const ms = options.msPerSecond ?? 5;
  const onLimit =
    (kind: LimitEvent['kind']) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const retried = retryCount < maxRetries;
      options.limitEvents?.push({ kind, retryAfter, method: request.method, url: request.url, retryCount, retried });
      return retried;
    };
  return getOctokit(
    options.token ?? fake.token,
    {
      baseUrl: fake.url,
      log: quiet,
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        retryAfterBaseValue: ms,
        // The plugin spaces writes 1 s apart and notifying writes (comments, pull requests)
        // 3 s apart, in groups shared by the whole process; tests keep the order, not the wait.
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      },
      retry: { retryAfterBaseValue: ms, retries: options.retries ?? 3 },
    },
    retry,
    throttling,
  );
}
