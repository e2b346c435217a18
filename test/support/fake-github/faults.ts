// Scripted failures: a matching request gets the given answer instead of the normal one, for
// the next `times` matches. Ready-made answers copy what GitHub actually sends.

export interface FaultRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

export interface FaultSpec {
  method: string;
  /** A path template as GitHub's description spells it, e.g. '/repos/{owner}/{repo}/pulls'. */
  route: string;
  /** How many matching requests get the fault; default 1, `Infinity` for all. */
  times?: number;
  status: number;
  headers?: Record<string, string>;
  /** JSON body (objects) or raw text (strings); none when omitted. */
  body?: unknown;
  /** Only requests this accepts get the fault. */
  when?: (req: FaultRequest) => boolean;
  /** Runs (and is awaited) as the fault fires, e.g. to create the pull request a racing run opened. */
  sideEffect?: () => unknown;
}

export interface InjectedFault {
  readonly hits: number;
  readonly remaining: number;
  cancel(): void;
}

export class FaultList {
  private readonly active: Array<{ spec: FaultSpec; left: number; hits: number }> = [];

  add(spec: FaultSpec): InjectedFault {
    const entry = { spec, left: spec.times ?? 1, hits: 0 };
    this.active.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      get remaining() {
        return entry.left;
      },
      cancel: () => {
        entry.left = 0;
      },
    };
  }

  /** The first armed fault for this request, consuming one of its uses. */
  take(method: string, route: string, req: FaultRequest): FaultSpec | undefined {
    const entry = this.active.find(
      (e) => e.left > 0 && e.spec.method.toUpperCase() === method && e.spec.route === route && (e.spec.when?.(req) ?? true),
    );
    if (!entry) return undefined;
    entry.left--;
    entry.hits++;
    return entry.spec;
  }
}

type Answer = Pick<FaultSpec, 'status' | 'headers' | 'body'>;

/** A gateway failure, which the retry plugin retries. */
export function serverError(status: 500 | 502 | 503 | 504 = 502): Answer {
  return { status, body: { message: 'Server Error' } };
}

/** GitHub's secondary (abuse) rate limit: 403 with a `retry-after` in seconds. */
export function secondaryRateLimit(retryAfterSeconds = 1): Answer {
  return {
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: {
      message:
        'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.',
      documentation_url:
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403',
    },
  };
}

/** The primary rate limit: no requests left until `reset` (epoch seconds). */
export function primaryRateLimit(resetEpochSeconds: number): Answer {
  return {
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(resetEpochSeconds),
      'x-ratelimit-resource': 'core',
    },
    body: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      status: '403',
    },
  };
}

/** What `POST /pulls` answers when another run opened the same pull request first. */
export function pullRequestAlreadyExists(ownerColonBranch: string): Answer {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${ownerColonBranch}.` }],
      documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
      status: '422',
    },
  };
}
