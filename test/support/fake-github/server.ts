// A stateful fake of GitHub's REST API on a loopback port. Every request is checked against
// GitHub's published OpenAPI description; what GitHub would refuse is refused the same way
// and listed in `violations`, so a test can end with `expect(fake.violations).toEqual([])`.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultList, type FaultSpec, type InjectedFault } from './faults.js';
import { loadSpecIndex, type SpecIndex } from './openapi-spec.js';
import { checkRequest, checkResponse } from './openapi-validator.js';
import { Renderer } from './render.js';
import { errorReply, notFound, type Reply } from './replies.js';
import { ReplyError, unauthorized, type RouteContext } from './route-context.js';
import { routes } from './routes.js';
import {
  GitHubState,
  fakeSha,
  type CommentRecord,
  type IssueRecord,
  type PullSpec,
  type RepoRecord,
  type RepoSpec,
  type Role,
  type IssueSpec,
  type UserRecord,
  type UserSpec,
} from './state.js';
import type { ComparisonSpec, ReviewCommentRecord, ReviewRecord, ReviewSpec } from './state-reviews.js';

export interface FakeGitHubOptions {
  /** The credential the fake accepts; default `DEFAULT_TOKEN`. */
  token?: string;
  /** Who that token is; default `github-actions[bot]`, as for a workflow's GITHUB_TOKEN. */
  actor?: UserSpec;
  /** Host of html_url links; default https://github.example */
  htmlUrl?: string;
  /** Timestamps; default a clock starting 2024-01-01T00:00:00Z that ticks one second per use. */
  clock?: () => Date;
  /** Check each 2xx body the fake sends against GitHub's response schema (default true). */
  checkResponses?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, raw text when not JSON, undefined when empty. */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** The credential presented (from `token X`, `Bearer X` or Basic), if any. */
  token?: string;
  /** GitHub's path template and operation id, when the path is one GitHub has. */
  route?: string;
  operationId?: string;
  /** 0 until answered. */
  status: number;
}

export interface FakeGitHub {
  readonly url: string;
  readonly htmlUrl: string;
  readonly token: string;
  readonly actor: UserRecord;
  readonly requests: RecordedRequest[];
  readonly violations: string[];
  /** Direct access to the fake's world, for assertions the helpers below do not cover. */
  readonly state: GitHubState;
  writes(): RecordedRequest[];
  requestsTo(method: string, route: string): RecordedRequest[];
  addUser(spec: UserSpec): UserRecord;
  addRepo(spec: RepoSpec): RepoRecord;
  addIssue(repo: string, spec: IssueSpec): IssueRecord;
  addPullRequest(repo: string, spec: PullSpec): Promise<IssueRecord>;
  addComment(repo: string, issueNumber: number, spec: { body: string; user?: string | UserSpec }): CommentRecord;
  setPermission(repo: string, login: string, role: Role): void;
  addToken(token: string, login: string): void;
  setBranch(repo: string, branch: string, sha?: string): void;
  deleteBranch(repo: string, branch: string): void;
  issue(repo: string, number: number): IssueRecord | undefined;
  pulls(repo: string): IssueRecord[];
  comments(repo: string, issueNumber: number): CommentRecord[];
  comment(id: number): CommentRecord | undefined;
  deleteComment(id: number): void;
  /** Seeds a submitted (or pending) review on a pull request, with its inline comments. */
  addReview(repo: string, pullNumber: number, spec?: ReviewSpec): ReviewRecord;
  reviews(repo: string, pullNumber: number): ReviewRecord[];
  reviewComments(repo: string, pullNumber: number): ReviewCommentRecord[];
  /** What `GET /compare/{base}...{head}` answers; refs are branch names or shas, as the request will spell them. */
  setComparison(repo: string, base: string, head: string, spec: ComparisonSpec): void;
  inject(fault: FaultSpec): InjectedFault;
  close(): Promise<void>;
}

export const DEFAULT_TOKEN = 'ghs_FakeGitHubToken0000000000000000000';

function tickingClock(): () => Date {
  let t = Date.parse('2024-01-01T00:00:00Z');
  return () => new Date((t += 1000) - 1000);
}

function credential(header: string | undefined): string | undefined {
  const m = /^(token|bearer|basic)\s+(.+)$/i.exec(header ?? '');
  if (!m?.[2]) return undefined;
  if (m[1]?.toLowerCase() !== 'basic') return m[2].trim();
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const index: SpecIndex = await loadSpecIndex();
  const clock = opts.clock ?? tickingClock();
  const state = new GitHubState(() =>
    clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
  );
  const actor = state.addUser(opts.actor ?? { login: 'github-actions[bot]', type: 'Bot', id: 41898282 });
  const token = opts.token ?? DEFAULT_TOKEN;
  const tokens = new Map([[token, actor]]);
  const htmlUrl = (opts.htmlUrl ?? 'https://github.example').replace(/\/$/, '');
  const checkResponses = opts.checkResponses ?? true;
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const faults = new FaultList();
  let url = '';
  // eslint-disable-next-line prefer-const -- set once the server knows its URL (below); the handlers above read it
  let render: Renderer;
  let remaining = 5000;

  async function answer(req: IncomingMessage, record: RecordedRequest, rawBody: string): Promise<Reply> {
    const where = `${record.method} ${req.url ?? ''}`;
    const match = index.match(record.method, record.path);
    if (match) {
      record.route = match.entry.template;
      record.operationId = match.entry.operation.operationId;
    }
    const caller = record.token === undefined ? undefined : tokens.get(record.token);
    if (!caller) return unauthorized(record.token === undefined ? 'Requires authentication' : 'Bad credentials');
    if (!match) {
      violations.push(`${where}: no such route in GitHub's REST API`);
      return notFound('https://docs.github.com/rest');
    }
    const { entry } = match;
    const docUrl = entry.operation.externalDocs?.url ?? 'https://docs.github.com/rest';
    const check = checkRequest(index, match, { query: record.query, rawBody });
    for (const e of check.errors) violations.push(`${where} (${entry.operation.operationId}): ${e}`);
    for (const e of check.ignored) violations.push(`${where} (${entry.operation.operationId}): ${e}`);

    const fault = faults.take(record.method, entry.template, { params: match.params, query: record.query, body: record.body });
    if (fault) {
      await fault.sideEffect?.();
      return { status: fault.status, body: fault.body, ...(fault.headers ? { headers: fault.headers } : {}) };
    }
    if (check.status) return errorReply(check.status, check.githubMessage ?? 'Invalid request.', docUrl);

    const handler = routes[`${record.method} ${entry.template}`];
    if (!handler) {
      violations.push(`${where}: fake-github does not implement ${entry.operation.operationId} (${entry.template})`);
      return notFound(docUrl);
    }
    const ctx: RouteContext = {
      state,
      render,
      params: match.params,
      query: record.query,
      body: record.body,
      actor: caller,
      docUrl,
      selfUrl: `${url}${record.path}`,
      violation: (message) => violations.push(`${where} (${entry.operation.operationId}): ${message}`),
    };
    let reply: Reply;
    try {
      reply = await handler(ctx);
    } catch (err) {
      if (err instanceof ReplyError) return err.reply;
      throw err;
    }
    if (checkResponses && reply.status < 300 && reply.body !== undefined) {
      for (const p of checkResponse(index, record.method, entry.template, reply.status, reply.body)) {
        violations.push(`fake-github answered ${where} with a body GitHub's schema rejects: ${p}`);
      }
    }
    return reply;
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', 'http://fake.invalid');
    const rawBody = await readBody(req);
    const auth = credential(req.headers.authorization);
    const record: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      body: parseJson(rawBody),
      headers: req.headers,
      ...(auth !== undefined ? { token: auth } : {}),
      status: 0,
    };
    requests.push(record);
    let reply: Reply;
    try {
      reply = await answer(req, record, rawBody);
    } catch (err) {
      violations.push(`fake-github crashed on ${record.method} ${req.url ?? ''}: ${err instanceof Error ? err.stack : String(err)}`);
      reply = errorReply(500, 'Server Error', 'https://docs.github.com/rest');
    }
    record.status = reply.status;
    remaining = Math.max(remaining - 1, 0);
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `FAKE:${requests.length}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used': String(5000 - remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
    };
    const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    if (text !== '')
      headers['content-type'] = typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    res.writeHead(reply.status, { ...headers, ...reply.headers });
    res.end(text);
  }

  const server = createServer((req, res) => void onRequest(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  render = new Renderer(state, url, htmlUrl);

  const repoOf = (fullName: string): RepoRecord => state.mustRepo(fullName);

  return {
    url,
    htmlUrl,
    token,
    actor,
    requests,
    violations,
    state,
    writes: () => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
    requestsTo: (method, route) => requests.filter((r) => r.method === method.toUpperCase() && r.route === route),
    addUser: (spec) => state.addUser(spec),
    addRepo(spec) {
      const repo = state.addRepo(spec);
      // Like a workflow's GITHUB_TOKEN, the fake's token can write to every repository it seeds.
      if (!state.roleOf(repo, actor.login)) state.setRole(repo, actor.login, 'write');
      return repo;
    },
    addIssue: (repo, spec) => state.addIssue(repoOf(repo), spec),
    async addPullRequest(repoName, spec) {
      const repo = repoOf(repoName);
      const base = spec.base ?? repo.defaultBranch;
      if (!repo.branches.has(spec.head)) repo.branches.set(spec.head, fakeSha(repo.fullName, spec.head));
      const headSha = (await state.branchSha(repo, spec.head)) ?? fakeSha(repo.fullName, spec.head);
      const baseSha = (await state.branchSha(repo, base)) ?? fakeSha(repo.fullName, base);
      return state.addPull(repo, spec, { repo, ref: spec.head, sha: headSha }, { repo, ref: base, sha: baseSha });
    },
    addComment(repoName, issueNumber, spec) {
      const issue = repoOf(repoName).issues.get(issueNumber);
      if (!issue) throw new Error(`fake-github: no ${repoName}#${issueNumber}`);
      const user = spec.user === undefined ? actor : state.addUser(typeof spec.user === 'string' ? { login: spec.user } : spec.user);
      return state.addComment(issue, spec.body, user);
    },
    setPermission: (repo, login, role) => state.setRole(repoOf(repo), login, role),
    addToken(extra, login) {
      tokens.set(extra, state.addUser({ login }));
    },
    setBranch(repo, branch, sha) {
      const r = repoOf(repo);
      r.branches.set(branch, sha ?? fakeSha(r.fullName, branch, String(state.id())));
    },
    deleteBranch: (repo, branch) => void repoOf(repo).branches.delete(branch),
    issue: (repo, number) => repoOf(repo).issues.get(number),
    pulls: (repo) => [...repoOf(repo).issues.values()].filter((i) => i.pull),
    comments(repo, issueNumber) {
      const issue = repoOf(repo).issues.get(issueNumber);
      return issue ? state.commentsOf(issue) : [];
    },
    comment: (id) => state.comments.get(id),
    deleteComment(id) {
      if (!state.comments.delete(id)) throw new Error(`fake-github: no comment ${id} to delete`);
    },
    addReview(repoName, pullNumber, spec) {
      const pull = repoOf(repoName).issues.get(pullNumber);
      if (!pull?.pull) throw new Error(`fake-github: no pull request ${repoName}#${pullNumber}`);
      return state.reviews.addReview(pull, spec);
    },
    reviews(repoName, pullNumber) {
      const pull = repoOf(repoName).issues.get(pullNumber);
      return pull ? state.reviews.reviewsOf(pull) : [];
    },
    reviewComments(repoName, pullNumber) {
      const pull = repoOf(repoName).issues.get(pullNumber);
      return pull ? state.reviews.commentsOf(pull) : [];
    },
    setComparison: (repoName, base, head, spec) => void state.reviews.setComparison(repoOf(repoName), base, head, spec),
    inject(fault) {
      if (!index.byTemplate(fault.method, fault.route)) {
        throw new Error(`fake-github: inject: ${fault.method} ${fault.route} is not an operation in GitHub's REST API`);
      }
      return faults.add(fault);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Octokit keeps connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
