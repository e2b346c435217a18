import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './client.js';

export interface PermissionVerdict {
  allowed: boolean;
  permission: string;
  reason: string;
}

const WRITERS = new Set(['admin', 'maintain', 'write']);

/**
 * Only people who could push the plan themselves may ask for one. An API error refuses:
 * the check fails closed.
 */
export async function checkSenderPermission(client: GitHubClient, repo: RepoRef, login: string): Promise<PermissionVerdict> {
  try {
    const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
    // role_name tells maintain and triage apart; permission folds them into write and read.
    const permission = data.role_name || data.permission;
    if (WRITERS.has(permission) || WRITERS.has(data.permission)) {
      return { allowed: true, permission, reason: `${login} has ${permission} access` };
    }
    return {
      allowed: false,
      permission,
      reason: `${login} has ${permission} access to ${repo.owner}/${repo.repo}; asking for a plan needs write, maintain or admin`,
    };
  } catch (error) {
    const status = statusOf(error);
    return {
      allowed: false,
      permission: 'unknown',
      reason: `could not check ${login}'s permission (${status ?? (error as Error).message}); refusing to run. Give the workflow \`permissions: contents: read\` or more and re-run`,
    };
  }
}
