import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './client.js';

export interface PullRequestRef {
  number: number;
  url: string;
  /** This run opened it. */
  created: boolean;
  /** This run changed its title or body (false: opened now, or already up to date). */
  updated: boolean;
}

export interface PullRequestSpec {
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
}

export interface UpsertPullRequestOptions {
  /**
   * The head branch did not exist on origin before this run pushed it, so no open pull request
   * can come from it yet: the pull request is created without looking for one first. (One a
   * concurrent run opens meanwhile is met as GitHub's 422 "already exists".)
   */
  headCreated?: boolean;
}

type ListedPull = Awaited<ReturnType<GitHubClient['rest']['pulls']['list']>>['data'][number];

/** The open pull request from branch `head` of this repository, or null. */
export async function findOpen(client: GitHubClient, repo: RepoRef, head: string): Promise<ListedPull | null> {
  const { data } = await client.rest.pulls.list({ ...repo, head: `${repo.owner}:${head}`, state: 'open', per_page: 1 });
  return data[0] ?? null;
}

/**
 * The open pull request from `head`, created or brought up to date; null when there is nothing
 * to propose (GitHub: "No commits between", e.g. the plan PR was merged and its branch kept).
 * Creation races with a concurrent run: GitHub's "already exists" answer (422) means the other
 * run won; update it. A pull request whose title and body already read as asked is not edited.
 */
export async function upsertPullRequest(
  client: GitHubClient,
  repo: RepoRef,
  spec: PullRequestSpec,
  options: UpsertPullRequestOptions = {},
): Promise<PullRequestRef | null> {
  const existing = options.headCreated ? null : await findOpen(client, repo, spec.head);
  if (existing) return bringUpToDate(client, repo, existing, spec);
  try {
    const { data } = await client.rest.pulls.create({
      ...repo,
      head: spec.head,
      base: spec.base,
      title: spec.title,
      body: spec.body,
      draft: spec.draft,
    });
    return { number: data.number, url: data.html_url, created: true, updated: false };
  } catch (error) {
    const answer = statusOf(error) === 422 ? JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? '') : '';
    if (/no commits between/i.test(answer)) return null;
    if (!/already exists/i.test(answer)) throw error;
    const raced = await findOpen(client, repo, spec.head);
    if (!raced) throw error;
    return bringUpToDate(client, repo, raced, spec);
  }
}

/** The title and body as asked: edited when they differ, left alone when they already match. */
async function bringUpToDate(client: GitHubClient, repo: RepoRef, pr: ListedPull, spec: PullRequestSpec): Promise<PullRequestRef> {
  if (pr.title === spec.title && (pr.body ?? '') === spec.body)
    return { number: pr.number, url: pr.html_url, created: false, updated: false };
  const { data } = await client.rest.pulls.update({ ...repo, pull_number: pr.number, title: spec.title, body: spec.body });
  return { number: data.number, url: data.html_url, created: false, updated: true };
}
