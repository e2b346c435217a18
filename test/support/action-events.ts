// GitHub events for the action tests: real webhook payloads from @octokit/webhooks-examples
// (Codertocat/Hello-World, default branch `master`) with the research goal as the issue body,
// and the pull request a pull_request payload names, seeded in the fake.
import type { FakeGitHub } from './fake-github/index.js';
import type { GitFixture } from './git-fixture.js';
import { labeledIssue, webhookExample } from './webhook-examples.js';

/** What a maintainer writes in the issue form: the research goal the plan is for. */
export const RESEARCH_GOAL = [
  '### Goal',
  '',
  'Find out whether label smoothing (ε = 0.1) improves the expected calibration error of the small ResNet in `train.py` on CIFAR-10, without losing more than 0.5 points of top-1 accuracy.',
  '',
  '### Context',
  '',
  'The baseline config is `configs/base.yaml` (90 epochs, SGD, cosine schedule). We have one GPU, so keep every sweep under a day.',
  '',
  '### Prior work',
  '',
  '- Müller et al. 2019, "When does label smoothing help?"',
].join('\n');

export type Payload = Record<string, any>;

export interface ActionEvent {
  name: string;
  payload: Payload;
}

/** A real `issues.labeled` payload with the label `label` and the research goal as its body. */
export function labeledIssueEvent(label = 'wild-plan'): ActionEvent {
  const payload = labeledIssue(label);
  payload.issue.body = RESEARCH_GOAL;
  return { name: 'issues', payload };
}

/** A real `workflow_dispatch` payload with `inputs`. */
export function dispatchEvent(inputs: Record<string, string>): ActionEvent {
  const payload = webhookExample('workflow_dispatch');
  payload.inputs = { ...inputs };
  return { name: 'workflow_dispatch', payload };
}

/**
 * A real `pull_request.labeled` payload with `label`; with `fork`, its head lives in
 * `<forkOwner>/<name>` (the fake gets that fork and the pull request from it).
 */
export function pullRequestLabeledEvent(label = 'wild-plan', options: { fork?: string } = {}): ActionEvent {
  const payload = webhookExample('pull_request', 'labeled');
  payload.label = { ...payload.label, name: label };
  payload.pull_request.labels = [{ ...payload.label }];
  if (options.fork) {
    const base = payload.pull_request.base.repo;
    const forkRepo = structuredClone(base);
    const [, name] = String(base.full_name).split('/');
    forkRepo.full_name = `${options.fork}/${name}`;
    forkRepo.name = name;
    forkRepo.fork = true;
    forkRepo.owner = { ...forkRepo.owner, login: options.fork };
    payload.pull_request.head.repo = forkRepo;
    payload.pull_request.head.label = `${options.fork}:${payload.pull_request.head.ref}`;
    payload.pull_request.head.user = { ...payload.pull_request.head.user, login: options.fork };
    payload.pull_request.user = { ...payload.pull_request.user, login: options.fork };
  }
  return { name: 'pull_request', payload };
}

/** The pull request a pull_request payload names, in the fake (from a fork when its head is one). */
export async function seedPullRequest(fake: FakeGitHub, git: GitFixture, payload: Payload, labels?: string[]): Promise<void> {
  const pr = payload.pull_request;
  const baseFull = String(pr.base.repo.full_name);
  const headFull = String(pr.head.repo?.full_name ?? baseFull);
  const baseRepo = fake.state.mustRepo(baseFull);
  const spec = {
    number: Number(pr.number),
    title: String(pr.title),
    body: pr.body ?? null,
    user: String(pr.user.login),
    head: String(pr.head.ref),
    labels: labels ?? (pr.labels ?? []).map((l: { name: string }) => l.name),
  };
  if (headFull === baseFull) {
    await fake.addPullRequest(baseFull, spec);
    return;
  }
  const [forkOwner, forkName] = headFull.split('/') as [string, string];
  const forkRepo = fake.addRepo({
    owner: forkOwner,
    name: forkName,
    forkOf: baseFull,
    defaultBranch: baseRepo.defaultBranch,
    branches: [spec.head],
  });
  const baseSha = (await git.remoteHead(baseRepo.defaultBranch)) ?? '';
  fake.state.addPull(
    baseRepo,
    spec,
    { repo: forkRepo, ref: spec.head, sha: forkRepo.branches.get(spec.head) ?? '' },
    { repo: baseRepo, ref: baseRepo.defaultBranch, sha: baseSha },
  );
}
