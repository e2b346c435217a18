import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './client.js';

export interface PullRequestRef {
  number: number;
  url: string;
  created: boolean;
}

export interface PullRequestSpec {
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
}

async function findOpen(client: GitHubClient, repo: RepoRef, head: string) {
  const { data } = await client.rest.pulls.list({ ...repo, head: `${repo.owner}:${head}`, state: 'open', per_page: 1 });
  return data[0] ?? null;
}

/**
 * The open pull request from `head`, created or brought up to date; null when there is nothing
 * to propose (GitHub: "No commits between", e.g. the plan PR was merged and its branch kept).
 * Creation races with a concurrent run: GitHub's "already exists" answer (422) means the other
 * run won; update it.
 */
export async function upsertPullRequest(client: GitHubClient, repo: RepoRef, spec: PullRequestSpec): Promise<PullRequestRef | null> {
  const existing = await findOpen(client, repo, spec.head);
  if (existing) return update(client, repo, existing.number, spec);
  try {
    const { data } = await client.rest.pulls.create({ ...repo, head: spec.head, base: spec.base, title: spec.title, body: spec.body, draft: spec.draft });
    return { number: data.number, url: data.html_url, created: true };
  } catch (error) {
    const answer = statusOf(error) === 422 ? JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? '') : '';
    if (/no commits between/i.test(answer)) return null;
    if (!/already exists/i.test(answer)) throw error;
    const raced = await findOpen(client, repo, spec.head);
    if (!raced) throw error;
    return update(client, repo, raced.number, spec);
  }
}

async function update(client: GitHubClient, repo: RepoRef, number: number, spec: PullRequestSpec): Promise<PullRequestRef> {
  const { data } = await client.rest.pulls.update({ ...repo, pull_number: number, title: spec.title, body: spec.body });
  return { number: data.number, url: data.html_url, created: false };
}
