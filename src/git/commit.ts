// Builds the plan commit with plumbing in a throw-away index. The user's index and work tree are
// never read or written: the agent just ran there and may have left other changes, which must
// not end up in the commit. Cost grows with the parent tree's size only (read-tree), never with
// the work tree's.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitRepo } from './repo.js';

export interface Author {
  name: string;
  email: string;
}

/** The identity GitHub shows with the Actions logo; the numeric prefix links it to the bot account. */
export const BOT_AUTHOR: Author = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

export interface PlanFile {
  /** Relative to the repository root, '/'-separated. */
  path: string;
  content: string;
}

export interface CommitRequest {
  parent: string;
  files: readonly PlanFile[];
  message: string;
  author: Author;
}

export interface BuiltCommit {
  tree: string;
  /** Null when the files already match the parent: no empty commits. */
  commit: string | null;
}

export async function buildCommit(repo: GitRepo, request: CommitRequest): Promise<BuiltCommit> {
  const scratch = await mkdtemp(join(tmpdir(), 'wild-plan-index-'));
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  try {
    // The bytes reach git as files in our scratch directory, so that one hash-object stores them
    // all. --no-filters: they are stored as given; no clean filter or CRLF conversion configured
    // in the repository runs on them.
    const sources = await Promise.all(
      request.files.map(async (file, index) => {
        const source = join(scratch, `blob-${index}`);
        await writeFile(source, file.content, { encoding: 'utf8', mode: 0o600 });
        return source;
      }),
    );
    const [hashed, parentTree] = await allOf([
      repo.text(['hash-object', '-w', '--no-filters', '--', ...sources]),
      repo.text(['rev-parse', '--verify', `${request.parent}^{tree}`]),
      repo.run(['read-tree', request.parent], { env }),
    ] as const);
    const blobs = hashed.split('\n');
    if (blobs.length !== request.files.length) throw new Error(`git hash-object stored ${blobs.length} of ${request.files.length} files.`);
    // One update-index for every file. --cacheinfo rather than --index-info: --index-info
    // silently replaces a folder of the parent's with a file of the same name (and a file with a
    // folder); --cacheinfo refuses, and the commit never drops what it was not given.
    const entries = request.files.flatMap((file, index) => ['--cacheinfo', `100644,${blobs[index]},${file.path}`]);
    await repo.run(['update-index', '--add', ...entries], { env });
    const tree = await repo.text(['write-tree'], { env });
    if (tree === parentTree) return { tree, commit: null };

    const identity = {
      GIT_AUTHOR_NAME: request.author.name,
      GIT_AUTHOR_EMAIL: request.author.email,
      GIT_COMMITTER_NAME: request.author.name,
      GIT_COMMITTER_EMAIL: request.author.email,
    };
    // --no-gpg-sign: a commit.gpgSign in the checkout's config would otherwise run a signing
    // program chosen by whoever wrote that config.
    const commit = await repo.text(['commit-tree', '--no-gpg-sign', '-p', request.parent, '-m', request.message, tree], { env: identity });
    return { tree, commit };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Promise.all that waits for every command to end before it settles, so none is still running
 * (reading the scratch directory) when the caller removes it after a failure.
 */
async function allOf<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
