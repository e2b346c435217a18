// A plan can go stale without its issue changing: the base branch moves on and a file the plan
// names changes there. One compare call per plan PR (the plan branch against the base branch,
// three dots: what the base changed since the plan forked) and the plan's own names decide it.
import type { GitHubClient, RepoRef } from '../github/client.js';
import { namedInPlan } from '../plan/grounding.js';
import { parsePlan } from '../plan/parse.js';
import { neutralizeMentions } from '../security/mentions.js';
import { codeSpan } from '../text/markdown.js';

/** How many changed names the banner lists; the rest are counted. */
const MAX_LISTED = 8;

/** Files the base branch changed since the plan branch forked from it (GitHub lists up to 300). */
export async function changedOnBase(client: GitHubClient, repo: RepoRef, planBranch: string, baseBranch: string): Promise<string[]> {
  const { data } = await client.rest.repos.compareCommitsWithBasehead({
    ...repo,
    basehead: `${planBranch}...${baseBranch}`,
    per_page: 100,
  });
  return (data.files ?? []).flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]);
}

/** The names the plan expects to exist (not what it will create) that `changed` touches: a file itself, or a file inside a named folder. */
export function touchedNames(tasks: string, changed: readonly string[]): string[] {
  const expected = namedInPlan(parsePlan(tasks)).expected;
  const touched = new Set<string>();
  for (const name of expected) {
    if (changed.some((file) => file === name.path || (name.directory && file.startsWith(`${name.path}/`)))) touched.add(name.path);
  }
  return [...touched].sort();
}

/** The banner's text, or '' when nothing the plan names changed. */
export function baseMovedBanner(baseBranch: string, touched: readonly string[], revision: number | null): string {
  if (touched.length === 0) return '';
  const shown = touched.slice(0, MAX_LISTED).map((name) => codeSpan(name));
  const more = touched.length > MAX_LISTED ? ` and ${touched.length - MAX_LISTED} more` : '';
  const which = revision === null ? 'this plan was made' : `revision ${revision} was planned`;
  return neutralizeMentions(
    [
      '> [!WARNING]',
      `> **\`${baseBranch.replace(/`/g, '')}\` changed after ${which}**, in files the plan names: ${shown.join(', ')}${more}.`,
      '> The plan may rest on code that has moved. To re-plan against the branch as it is now, comment `/wild-plan` on this pull request.',
    ].join('\n'),
  );
}
