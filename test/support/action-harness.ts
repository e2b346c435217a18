// One GitHub Action run, set up the way GitHub sets it up, with real parts behind it:
//
//   - fake GitHub (REST API checked against GitHub's OpenAPI description) seeded with the
//     repository, issue and sender permission the event payload names;
//   - the Wild server fake (auth on, with a sentinel token);
//   - a GitFixture: bare `origin` + a checkout that is GITHUB_WORKSPACE; the fake resolves
//     branches from the bare origin, so a pushed plan branch is what a pull request opens from;
//   - the scripted agent as `agent-command`;
//   - the event payload file and the runner environment (GITHUB_*, RUNNER_TEMP, INPUT_* with
//     action.yml's defaults filled in, as the runner does).
//
//   const s = await ActionScenario.create();            // issues.labeled `wild-plan` on #1
//   const { result } = await s.runInProcess();          // runAction with the production client
//   const run = await s.runDist();                      // node dist/index.js as a process
//   s.setEvent(s.commentEvent('/wild-plan focus on X', 2));
//   await s.dispose();
//
// Payloads are real ones from @octokit/webhooks-examples (Codertocat/Hello-World, default
// branch `master`), with the issue body replaced by a research goal.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// A dependency of @octokit/plugin-throttling: the write groups with no spacing, as in octokit.ts.
import { readActionContext } from '../../src/action/context.js';
import type { ActionResultFields } from '../../src/action/result.js';
import { runAction } from '../../src/action/router.js';
import type { AgentRunner } from '../../src/agent/runner.js';
import { createGitHubClient } from '../../src/github/client.js';
import { INPUT_NAMES, parseSettings } from '../../src/settings.js';
import { startFakeGitHub, type FakeGitHub, type Role } from './fake-github/index.js';
import { GitFixture } from './git-fixture.js';
import { dispatchEvent, labeledIssueEvent, RESEARCH_GOAL, seedPullRequest, type ActionEvent, type Payload } from './action-events.js';
import { reviewCommentCreated, reviewSubmitted, webhookExample } from './webhook-examples.js';
import { actionYmlDefaults, fastTuning, inputVariable, parseOutputFile, recordingLog, type LogLine } from './runner-io.js';

export { fastTuning, inputVariable, parseOutputFile, type LogLine } from './runner-io.js';

export {
  dispatchEvent,
  labeledIssueEvent,
  pullRequestLabeledEvent,
  RESEARCH_GOAL,
  type ActionEvent,
  type Payload,
} from './action-events.js';
import { startWildServer, type WildServerFake, type WildServerOptions } from './wild-server.js';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCRIPTED_AGENT = fileURLToPath(new URL('./scripted-agent.mjs', import.meta.url));
export const DIST_ENTRY = join(PACKAGE_ROOT, 'dist', 'index.js');

export const PLAN_MARKER = '<!-- wild-plan:plan-comment -->';
export const STATUS_MARKER = '<!-- wild-plan:status -->';

/** The checkout the agent looks at: a small research repository. */
export const REPO_FILES: Record<string, string> = {
  'README.md': '# Hello-World\n\nA small image-classification research repo.\n',
  'train.py':
    'import argparse\n\ndef main():\n    parser = argparse.ArgumentParser()\n    parser.add_argument("--config")\n    parser.parse_args()\n\nif __name__ == "__main__":\n    main()\n',
  'configs/base.yaml': 'model: resnet20\nepochs: 90\noptimizer: sgd\nlr: 0.1\nlabel_smoothing: 0.0\n',
};

export interface ScenarioOptions {
  /** The event of the first run; default `issues.labeled` with `wild-plan`. */
  event?: ActionEvent;
  /** The sender's role on the repository; default `write`. Bots get none. */
  senderRole?: Role;
  /** Scripted agent mode (ok, crash, garbage, …); default ok. */
  agentMode?: string;
  /** Extra or overriding action inputs, by their action.yml names. */
  inputs?: Record<string, string>;
  /**
   * The Wild server checks X-Auth-Token against the scenario's sentinel server token, which is
   * the `server-token` input. Default on; the agent reaches the server through wild-plan's
   * loopback proxy, which adds the token. Off: the server accepts anyone (the input is still set).
   */
  serverAuth?: boolean;
  /** The issue seeded when the payload names none (workflow_dispatch). */
  issue?: { number: number; title: string; body: string };
  /**
   * The issue's (or pull request's) text, in the payload and in the fake alike; default the
   * payload's title and RESEARCH_GOAL as the body.
   */
  issueText?: { title?: string; body?: string | null };
  /** The labels the issue carries in the fake when the run starts (default: the payload's). */
  liveLabels?: string[];
  /** Which planning prompt the Wild server runs, and its memory bank (see WildServerOptions). */
  wild?: Pick<WildServerOptions, 'planning' | 'memories' | 'plans' | 'followUpEvery'>;
}

export interface InProcessRun {
  result: ActionResultFields;
  logs: LogLine[];
}

export interface DistRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

const secret = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

export class ActionScenario {
  readonly repo: string;
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  /** The issue the plan is for (seeded in the fake). */
  readonly issueNumber: number;
  /** Inputs by action.yml name; tests may edit them between runs. */
  readonly inputs: Record<string, string>;
  readonly runId = String(1_000_000 + Math.floor(Math.random() * 1_000_000));
  private event: ActionEvent;
  private workspace: string;
  private runs = 0;

  private constructor(
    readonly fake: FakeGitHub,
    readonly wild: WildServerFake,
    readonly git: GitFixture,
    /** Temporary folder for the event file, outputs, summaries, RUNNER_TEMP and HOME. */
    readonly dir: string,
    readonly githubToken: string,
    readonly serverToken: string,
    event: ActionEvent,
    issueNumber: number,
    inputs: Record<string, string>,
  ) {
    this.event = event;
    this.repo = String(event.payload.repository.full_name);
    [this.owner, this.name] = this.repo.split('/') as [string, string];
    this.defaultBranch = String(event.payload.repository.default_branch ?? 'main');
    this.issueNumber = issueNumber;
    this.inputs = inputs;
    this.workspace = git.work;
  }

  static async create(options: ScenarioOptions = {}): Promise<ActionScenario> {
    const event = structuredClone(options.event ?? labeledIssueEvent());
    const payload = event.payload;
    const repoFull = String(payload.repository.full_name);
    const [owner, name] = repoFull.split('/') as [string, string];
    const defaultBranch = String(payload.repository.default_branch ?? 'main');
    const githubToken = secret('ghs_harnessToken');
    const serverToken = secret('wild-sentinel-');

    const cleanup: Array<() => Promise<unknown>> = [];
    try {
      const git = await GitFixture.create({ defaultBranch, files: REPO_FILES });
      cleanup.push(() => git.dispose());
      const fake = await startFakeGitHub({ token: githubToken });
      cleanup.push(() => fake.close());
      const wild = await startWildServer({ ...(options.serverAuth === false ? {} : { token: serverToken }), ...options.wild });
      cleanup.push(() => wild.stop());
      const dir = await mkdtemp(join(tmpdir(), 'wild-plan-action-'));
      cleanup.push(() => rm(dir, { recursive: true, force: true }));

      fake.addRepo({
        owner,
        name,
        defaultBranch,
        // The fake asks the bare origin which branches exist and where they point.
        resolveBranch: async (branch) => (await git.remoteHead(branch)) ?? undefined,
      });

      const text = options.issueText ?? {};
      const body = text.body === undefined ? RESEARCH_GOAL : text.body;
      let issueNumber: number;
      if (payload.issue) {
        if (text.title !== undefined) payload.issue.title = text.title;
        payload.issue.body = body;
        issueNumber = Number(payload.issue.number);
        if (payload.issue.pull_request) throw new Error('harness: seed scenarios from an event on an issue, then comment on the PR');
        fake.addIssue(repoFull, {
          number: issueNumber,
          title: String(payload.issue.title),
          body,
          labels: options.liveLabels ?? (payload.issue.labels ?? []).map((l: { name: string }) => l.name),
          user: String(payload.issue.user?.login ?? 'Codertocat'),
        });
      } else if (payload.pull_request) {
        issueNumber = Number(payload.pull_request.number);
        if (text.title !== undefined) payload.pull_request.title = text.title;
        payload.pull_request.body = body;
        await seedPullRequest(fake, git, payload, options.liveLabels);
      } else {
        const issue = options.issue ?? { number: 1, title: 'Does label smoothing improve calibration?', body: RESEARCH_GOAL };
        issueNumber = issue.number;
        fake.addIssue(repoFull, { number: issue.number, title: issue.title, body: issue.body, labels: ['wild-plan'] });
      }
      const sender = payload.sender as { login?: string; type?: string } | undefined;
      if (sender?.login && sender.type !== 'Bot') fake.setPermission(repoFull, sender.login, options.senderRole ?? 'write');

      const inputs = {
        ...actionYmlDefaults(PACKAGE_ROOT, githubToken),
        'server-url': wild.url,
        'server-token': serverToken,
        'agent-command': `node ${SCRIPTED_AGENT} --mode ${options.agentMode ?? 'ok'}`,
        ...options.inputs,
      };
      return new ActionScenario(fake, wild, git, dir, githubToken, serverToken, event, issueNumber, inputs);
    } catch (error) {
      for (const undo of cleanup.reverse()) await undo().catch(() => {});
      throw error;
    }
  }

  get planBranch(): string {
    return `wild-plan/issue-${this.issueNumber}`;
  }

  get workdir(): string {
    return this.workspace;
  }

  /** The event the next run gets. */
  setEvent(event: ActionEvent): void {
    this.event = structuredClone(event);
  }

  setAgentMode(mode: string): void {
    this.inputs['agent-command'] = `node ${SCRIPTED_AGENT} --mode ${mode}`;
  }

  /** A new shallow checkout of origin becomes the workspace, as on a fresh runner. */
  async freshCheckout(): Promise<string> {
    this.workspace = await this.git.clone({ shallow: true });
    return this.workspace;
  }

  /** `issues.labeled` for the scenario's issue, with `label`. */
  labeledEvent(label = 'wild-plan'): ActionEvent {
    const event = labeledIssueEvent(label);
    const issue = this.fake.issue(this.repo, this.issueNumber);
    event.payload.repository = structuredClone(this.event.payload.repository);
    if (issue) Object.assign(event.payload.issue, { number: issue.number, title: issue.title, body: issue.body });
    return event;
  }

  /**
   * `issue_comment.created` for a comment `body` on `thread` (the issue by default, or a pull
   * request): the comment is created in the fake first, so its id is one GitHub knows.
   */
  commentEvent(body: string, thread = this.issueNumber, user = 'Codertocat'): ActionEvent {
    const record = this.fake.issue(this.repo, thread);
    if (!record) throw new Error(`harness: no #${thread} in ${this.repo}`);
    const comment = this.fake.addComment(this.repo, thread, { body, user });
    const payload = webhookExample('issue_comment', 'created');
    payload.repository = structuredClone(this.event.payload.repository);
    payload.comment.id = comment.id;
    payload.comment.body = body;
    payload.comment.user = { ...payload.comment.user, login: user };
    payload.sender = { ...payload.sender, login: user };
    payload.issue.number = record.number;
    payload.issue.title = record.title;
    payload.issue.body = record.body;
    const html = `${this.fake.htmlUrl}/${this.repo}/pull/${record.number}`;
    if (record.pull) {
      payload.issue.pull_request = {
        url: `${this.fake.url}/repos/${this.repo}/pulls/${record.number}`,
        html_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        merged_at: null,
      };
    } else {
      delete payload.issue.pull_request;
    }
    return { name: 'issue_comment', payload };
  }

  /**
   * `pull_request_review.submitted` on plan PR `pr` (GitHub's real payload, its state, body and
   * reviewer set): the review and its inline comments are created in the fake first, each comment
   * with the diff hunk GitHub gives it — the plan branch's tasks file up to the commented line.
   */
  async reviewEvent(
    pr: number,
    review: {
      state: 'approved' | 'changes_requested' | 'commented';
      body?: string;
      user?: string;
      comments?: Array<{ path: string; line: number; body: string }>;
    },
  ): Promise<ActionEvent> {
    const user = review.user ?? 'Codertocat';
    const pull = this.mustPull(pr);
    const comments = await Promise.all(
      (review.comments ?? []).map(async (c) => ({ ...c, diffHunk: await this.diffHunk(String(pull.head.ref), c.path, c.line) })),
    );
    const record = this.fake.addReview(this.repo, pr, {
      user,
      state: review.state.toUpperCase() as 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED',
      body: review.body ?? '',
      comments,
    });
    const payload = reviewSubmitted({ state: review.state, body: review.body ?? null }) as Payload;
    this.pullPayload(payload, pull);
    payload.review = { ...payload.review, id: record.id, user: { ...payload.review.user, login: user }, commit_id: pull.head.sha };
    payload.sender = { ...payload.sender, login: user };
    return { name: 'pull_request_review', payload };
  }

  /** `pull_request_review_comment.created`: `body` on `line` of `path` in plan PR `pr` (created in the fake as a one-comment review). */
  async reviewCommentEvent(pr: number, comment: { path: string; line: number; body: string; user?: string }): Promise<ActionEvent> {
    const user = comment.user ?? 'Codertocat';
    const pull = this.mustPull(pr);
    const diffHunk = await this.diffHunk(String(pull.head.ref), comment.path, comment.line);
    this.fake.addReview(this.repo, pr, {
      user,
      state: 'COMMENTED',
      comments: [{ path: comment.path, line: comment.line, body: comment.body, diffHunk }],
    });
    const created = this.fake.reviewComments(this.repo, pr).at(-1)!;
    const payload = reviewCommentCreated({ body: comment.body, line: comment.line, path: comment.path }) as Payload;
    this.pullPayload(payload, pull);
    payload.comment = { ...payload.comment, id: created.id, diff_hunk: diffHunk, user: { ...payload.comment.user, login: user } };
    payload.sender = { ...payload.sender, login: user };
    return { name: 'pull_request_review_comment', payload };
  }

  /** `issues.edited` by `user`: the scenario's issue gets `edit` in the fake, the payload says what it was. */
  editedEvent(edit: { title?: string; body?: string }, user = 'Codertocat'): ActionEvent {
    const issue = this.fake.issue(this.repo, this.issueNumber);
    if (!issue) throw new Error(`harness: no #${this.issueNumber} in ${this.repo}`);
    const before = { title: issue.title, body: issue.body };
    // As GitHub does: the issue reads as edited by the time the event is delivered.
    if (edit.title !== undefined) issue.title = edit.title;
    if (edit.body !== undefined) issue.body = edit.body;
    const payload = webhookExample('issues', 'edited');
    payload.repository = structuredClone(this.event.payload.repository);
    payload.issue = { ...payload.issue, number: issue.number, title: issue.title, body: issue.body };
    delete payload.issue.pull_request;
    payload.changes = {
      ...(edit.title !== undefined ? { title: { from: before.title } } : {}),
      ...(edit.body !== undefined ? { body: { from: before.body } } : {}),
    };
    payload.sender = { ...payload.sender, login: user, type: user.endsWith('[bot]') ? 'Bot' : 'User' };
    return { name: 'issues', payload };
  }

  private mustPull(pr: number) {
    const pull = this.fake.pulls(this.repo).find((p) => p.number === pr);
    if (!pull) throw new Error(`harness: no pull request #${pr} in ${this.repo}`);
    return pull.pull as { head: { ref: string; sha: string }; base: { ref: string } };
  }

  /** The pull_request part of a review payload: this repository's plan PR, not the example's. */
  private pullPayload(payload: Payload, pull: { head: { ref: string; sha: string } }): void {
    const repository = structuredClone(this.event.payload.repository);
    payload.repository = repository;
    payload.pull_request = {
      ...payload.pull_request,
      number: this.fake.pulls(this.repo).find((p) => (p.pull as { head: { ref: string } }).head.ref === pull.head.ref)?.number,
      head: { ...payload.pull_request.head, ref: pull.head.ref, sha: pull.head.sha, repo: repository },
      base: { ...payload.pull_request.base, repo: repository },
    };
  }

  /** GitHub's hunk for a comment on `line` of a file the plan branch adds: every line up to it, added. */
  private async diffHunk(branch: string, path: string, line: number): Promise<string> {
    const text = (await this.git.remoteFile(branch, path)) ?? '';
    const lines = text.split('\n').slice(0, line);
    return [`@@ -0,0 +1,${text.split('\n').length} @@`, ...lines.map((l) => `+${l}`)].join('\n');
  }

  /** A `schedule` event, as the runner gives it: the cron line and nothing about any issue. */
  scheduleEvent(cron = '*/30 * * * *'): ActionEvent {
    return { name: 'schedule', payload: { schedule: cron } };
  }

  /** `pull_request.closed` for plan PR `pr`, merged (or not) by `user`. */
  pullRequestClosedEvent(pr: number, merged: boolean, user = 'Codertocat'): ActionEvent {
    const pull = this.mustPull(pr);
    const payload = webhookExample('pull_request', 'closed');
    this.pullPayload(payload, pull);
    payload.action = 'closed';
    payload.number = pr;
    payload.pull_request = { ...payload.pull_request, merged, state: 'closed' };
    payload.sender = { ...payload.sender, login: user };
    return { name: 'pull_request', payload };
  }

  /** `workflow_dispatch` with the given inputs, in this scenario's repository. */
  dispatchEvent(inputs: Record<string, string>): ActionEvent {
    const event = dispatchEvent(inputs);
    event.payload.repository = structuredClone(this.event.payload.repository);
    return event;
  }

  /** Everything GitHub's runner puts in a JavaScript action's environment, and nothing else. */
  async environment(workspace = this.workspace): Promise<Record<string, string>> {
    const run = ++this.runs;
    const runDir = join(this.dir, `run-${run}`);
    await mkdir(join(runDir, 'temp'), { recursive: true });
    await mkdir(join(this.dir, 'home'), { recursive: true });
    const files = {
      event: join(runDir, 'event.json'),
      output: join(runDir, 'output'),
      summary: join(runDir, 'step_summary'),
      env: join(runDir, 'env'),
      path: join(runDir, 'path'),
      state: join(runDir, 'state'),
    };
    await writeFile(files.event, JSON.stringify(this.event.payload, null, 2));
    for (const file of [files.output, files.summary, files.env, files.path, files.state]) await writeFile(file, '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(this.dir, 'home'),
      LANG: 'C.UTF-8',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: this.event.name,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_REPOSITORY: this.repo,
      GITHUB_REPOSITORY_OWNER: this.owner,
      GITHUB_WORKSPACE: workspace,
      GITHUB_API_URL: this.fake.url,
      GITHUB_GRAPHQL_URL: `${this.fake.url}/graphql`,
      GITHUB_SERVER_URL: this.fake.htmlUrl,
      GITHUB_RUN_ID: this.runId,
      GITHUB_RUN_NUMBER: String(run),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTOR: String(this.event.payload.sender?.login ?? 'Codertocat'),
      GITHUB_TRIGGERING_ACTOR: String(this.event.payload.sender?.login ?? 'Codertocat'),
      GITHUB_WORKFLOW: 'wild-plan',
      GITHUB_JOB: 'plan',
      GITHUB_ACTION: 'wild-plan',
      GITHUB_REF: `refs/heads/${this.defaultBranch}`,
      GITHUB_REF_NAME: this.defaultBranch,
      GITHUB_SHA: (await this.git.remoteHead(this.defaultBranch)) ?? '',
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
      GITHUB_STATE: files.state,
      RUNNER_TEMP: join(runDir, 'temp'),
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'wild-plan-test-runner',
    };
    for (const [name, value] of Object.entries(this.inputs)) env[inputVariable(name)] = value;
    return env;
  }

  /**
   * `runAction` as the entry calls it, with the production client (waits shrunk) at the fake.
   * The agent runs as the test's own user (isolateAgent off) unless asked: in-process runs are
   * many and must behave alike on machines that can isolate and machines that cannot. The
   * built action (runDist) runs with isolation on, as on GitHub.
   */
  async runInProcess(deps: { runner?: AgentRunner; signal?: AbortSignal; isolateAgent?: boolean } = {}): Promise<InProcessRun> {
    const env = await this.environment();
    const logs: LogLine[] = [];
    const log = recordingLog(logs);
    const context = readActionContext(env);
    const raw = Object.fromEntries(INPUT_NAMES.map((name) => [name, env[inputVariable(name)] ?? '']));
    const settings = parseSettings(raw, context.workspace);
    const client = createGitHubClient({ token: settings.githubToken ?? '', baseUrl: context.apiUrl, log, tuning: fastTuning() });
    const result = await runAction(settings, context, { client, log, isolateAgent: false, ...deps });
    return { result, logs };
  }

  /**
   * `node dist/index.js` with the runner's environment (none of the developer's own). With
   * `workspace`, in that checkout instead (a second runner, for concurrent runs); `env`
   * overrides variables (e.g. GITHUB_API_URL through a proxy in front of the fake).
   */
  async runDist(options: { workspace?: string; env?: Record<string, string> } = {}): Promise<DistRun> {
    if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} is missing: run npm run build`);
    const env = { ...(await this.environment(options.workspace)), ...options.env };
    const cwd = options.workspace ?? this.workspace;
    const child = spawn(process.execPath, [DIST_ENTRY], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (exit) => resolve(exit));
    });
    const outputs = parseOutputFile(await readFile(env.GITHUB_OUTPUT!, 'utf8'));
    const summary = await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8');
    return { code, stdout, stderr, outputs, summary };
  }

  /** Comments on `thread` whose body starts with `marker`. */
  marked(thread: number, marker: string) {
    return this.fake.comments(this.repo, thread).filter((c) => c.body.startsWith(marker));
  }

  /** Pull requests wild-plan opened (head on a plan branch). */
  planPulls() {
    return this.fake.pulls(this.repo).filter((p) => p.pull?.head.ref.startsWith('wild-plan/'));
  }

  /** Every byte on origin: refs, and each commit's message and full patch. */
  async originDump(): Promise<string> {
    return this.git.git(this.git.origin, ['log', '--all', '--format=%H%n%an <%ae>%n%B', '-p', '--binary']);
  }

  async dispose(): Promise<void> {
    await this.fake.close().catch(() => {});
    await this.wild.stop().catch(() => {});
    await this.git.dispose().catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }
}
