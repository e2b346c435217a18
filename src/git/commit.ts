// Builds the plan commit with plumbing in a throw-away index. The user's index and work tree are
// never read or written: the agent just ran there and may have left other changes, which must
// not end up in the commit. Cost grows with the parent tree's size only (read-tree), never with
// the work tree's.

import { mkdtemp, rm } from 'node:fs/promises';
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
    await repo.run(['read-tree', request.parent], { env });
    for (const file of request.files) {
      // --stdin without --path: the bytes are stored as given, no clean filter or CRLF conversion
      // configured in the repository runs on them.
      const blob = await repo.text(['hash-object', '-w', '--stdin'], { input: Buffer.from(file.content, 'utf8') });
      await repo.run(['update-index', '--add', '--cacheinfo', '100644', blob, file.path], { env });
    }
    const tree = await repo.text(['write-tree'], { env });
    const parentTree = await repo.text(['rev-parse', '--verify', `${request.parent}^{tree}`]);
    if (tree === parentTree) return { tree, commit: null };

    const identity = {
      GIT_AUTHOR_NAME: request.author.name,
      GIT_AUTHOR_EMAIL: request.author.email,
      GIT_COMMITTER_NAME: request.author.name,
      GIT_COMMITTER_EMAIL: request.author.email,
    };
    // --no-gpg-sign: a commit.gpgSign in the checkout's config would otherwise run a signing
    // program chosen by whoever wrote that config.
    const commit = await repo.text(
      ['commit-tree', '--no-gpg-sign', '-p', request.parent, '-m', request.message, tree],
      { env: identity },
    );
    return { tree, commit };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
