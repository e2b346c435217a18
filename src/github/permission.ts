import { oneLine } from '../text/one-line.js';
import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './client.js';

export interface PermissionVerdict {
  /**
   * `allowed`: may ask for a plan. `denied`: may not (the run skips). `error`: the check itself
   * failed (GitHub down, the token lacks a permission): the run fails, visibly, instead of
   * passing green while nobody's request was heard.
   */
  kind: 'allowed' | 'denied' | 'error';
  permission: string;
  reason: string;
}

const WRITERS = new Set(['admin', 'maintain', 'write']);
const NEEDED = 'asking for a plan needs write, maintain or admin';

/**
 * Only people who could push the plan themselves may ask for one. The check fails closed: an
 * answer that is not a permission never lets the run go on.
 */
export async function checkSenderPermission(client: GitHubClient, repo: RepoRef, login: string): Promise<PermissionVerdict> {
  const where = `${repo.owner}/${repo.repo}`;
  try {
    const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
    // role_name tells maintain and triage apart; permission folds them into write and read.
    const permission = data.role_name || data.permission;
    if (WRITERS.has(permission) || WRITERS.has(data.permission)) {
      return { kind: 'allowed', permission, reason: `${login} has ${permission} access` };
    }
    return { kind: 'denied', permission, reason: `${login} has ${permission} access to ${where}; ${NEEDED}` };
  } catch (error) {
    const status = statusOf(error);
    // GitHub documents 404 as this endpoint's answer for someone who is not a collaborator (or
    // no such user): an answer about the person, so no access, not a failure.
    if (status === 404) {
      return { kind: 'denied', permission: 'none', reason: `${login} is not a collaborator on ${where} (GitHub answered 404); ${NEEDED}` };
    }
    return { kind: 'error', permission: 'unknown', reason: permissionErrorReason(login, status, error) };
  }
}

/** One line: who could not be checked, what GitHub said, and what to do where we know it. */
function permissionErrorReason(login: string, status: number | undefined, error: unknown): string {
  const check = `could not check ${login}'s permission`;
  if (status === undefined)
    return `${check}: GitHub could not be reached (${errorLine(error)}); refusing to run. Re-run the workflow when GitHub is reachable`;
  const answered = `${check}: GitHub answered ${status} (${apiMessage(error)}); refusing to run`;
  // 403 is the workflow token without the permission to read collaborators (for GITHUB_TOKEN
  // GitHub says "Resource not accessible by integration"): only then is the hint the fix.
  if (status === 403) return `${answered}. Give the workflow \`permissions: contents: read\` or more and re-run`;
  if (status === 401) return `${answered}. Check the \`github-token\` input and re-run`;
  return `${answered}. Re-run the workflow once GitHub answers again`;
}

/** GitHub's own `message` from the error body, or the error's message, on one short line. */
function apiMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const message = typeof data === 'object' && data !== null ? (data as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message.trim() !== '' ? oneLine(message, 200) : errorLine(error);
}

function errorLine(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error), 200);
}
