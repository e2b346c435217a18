import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { RepoRef } from '../github/client.js';

/** What GitHub tells an action about its run, read from the environment once. */
export interface ActionContext {
  eventName: string;
  payload: unknown;
  repo: RepoRef;
  /** https://github.com, or the Enterprise host; for links in comments. */
  serverUrl: string;
  apiUrl: string;
  runUrl?: string;
  workspace: string;
}

const Env = z.object({
  GITHUB_EVENT_NAME: z.string().min(1),
  GITHUB_EVENT_PATH: z.string().min(1),
  GITHUB_REPOSITORY: z.string().regex(/^[^/]+\/[^/]+$/, 'must be owner/repo'),
  GITHUB_WORKSPACE: z.string().min(1),
  GITHUB_SERVER_URL: z.string().default('https://github.com'),
  GITHUB_API_URL: z.string().default('https://api.github.com'),
  GITHUB_RUN_ID: z.string().optional(),
});

export class ContextError extends Error {
  override name = 'ContextError';
}

export function readActionContext(env: NodeJS.ProcessEnv): ActionContext {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${String(i.path[0])} (${i.message})`).join(', ');
    throw new ContextError(
      `This does not look like a GitHub Actions run: ${names}. Run wild-plan from a workflow, or use the CLI (npx wild-plan plan).`,
    );
  }
  const e = parsed.data;
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(e.GITHUB_EVENT_PATH, 'utf8'));
  } catch (error) {
    throw new ContextError(`cannot read the event payload at GITHUB_EVENT_PATH (${(error as Error).message})`);
  }
  const [owner, repo] = e.GITHUB_REPOSITORY.split('/') as [string, string];
  const serverUrl = e.GITHUB_SERVER_URL.replace(/\/+$/, '');
  return {
    eventName: e.GITHUB_EVENT_NAME,
    payload,
    repo: { owner, repo },
    serverUrl,
    apiUrl: e.GITHUB_API_URL.replace(/\/+$/, ''),
    runUrl: e.GITHUB_RUN_ID ? `${serverUrl}/${owner}/${repo}/actions/runs/${e.GITHUB_RUN_ID}` : undefined,
    workspace: e.GITHUB_WORKSPACE,
  };
}
