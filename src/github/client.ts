import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import type { Log } from '../log.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  token: string;
  /** GITHUB_API_URL; GitHub Enterprise Server and the tests' fake set their own. */
  baseUrl?: string;
  log?: Log;
  /** Retries after rate limits; a job should wait out a short limit, not a long one. */
  maxRateLimitRetries?: number;
  /** Longest wait (seconds) the client accepts before retrying a rate-limited request. */
  maxRetryAfterSeconds?: number;
  /** Extra plugin options (tests shrink the throttling plugin's waits between writes). */
  tuning?: { throttle?: Record<string, unknown>; retry?: Record<string, unknown> };
}

/** One Octokit for the run: retries transient faults (5xx) and waits out rate limits. */
export function createGitHubClient(options: ClientOptions): GitHubClient {
  const maxRetries = options.maxRateLimitRetries ?? 2;
  const maxWait = options.maxRetryAfterSeconds ?? 60;
  const onLimit =
    (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const again = retryCount < maxRetries && retryAfter <= maxWait;
      options.log?.warning(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}; ${again ? `retrying in ${retryAfter} s` : 'giving up'}`,
      );
      return again;
    };
  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl,
      userAgent: 'wild-plan',
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        // The plugin spaces writes 1 s (3 s for comments and PRs) apart for clients that write
        // in bulk; one run writes a handful, so it keeps them in order without the wait, and
        // still waits out any rate limit GitHub reports.
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
        ...options.tuning?.throttle,
      },
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451], ...options.tuning?.retry },
    },
    retry,
    throttling,
  );
}

export interface RepoRef {
  owner: string;
  repo: string;
}

/** The HTTP status of an Octokit error, or undefined for anything else. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
