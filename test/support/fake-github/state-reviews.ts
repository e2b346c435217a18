// Pull request reviews, their inline comments, and the comparisons between two commits.
// The fake holds no git objects: a comparison's changed files are what a test says they are
// (seeded with setComparison), keyed by the two commits' shas.
import type { GitHubState, IssueRecord, ReactionRecord, RepoRecord, UserRecord, UserSpec } from './state.js';

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'PENDING' | 'DISMISSED';
export type DiffSide = 'LEFT' | 'RIGHT';

export interface ReviewRecord {
  id: number;
  repo: RepoRecord;
  pullNumber: number;
  user: UserRecord;
  body: string;
  state: ReviewState;
  commitId: string;
  /** null while the review is pending. */
  submittedAt: string | null;
}

export interface ReviewCommentRecord {
  id: number;
  repo: RepoRecord;
  pullNumber: number;
  reviewId: number;
  user: UserRecord;
  body: string;
  path: string;
  /** null for a comment on the whole file. */
  line: number | null;
  side: DiffSide;
  startLine: number | null;
  startSide: DiffSide | null;
  /** Position in the diff (GitHub's older addressing); null when the line is no longer in the diff. */
  position: number | null;
  commitId: string;
  originalCommitId: string;
  diffHunk: string;
  inReplyToId: number | null;
  createdAt: string;
  updatedAt: string;
  reactions: ReactionRecord[];
}

export interface ReviewCommentSpec {
  path: string;
  /** The line in the file the comment is on; omit for a comment on the whole file. */
  line?: number;
  side?: DiffSide;
  startLine?: number;
  body: string;
  /** Default: the review's author. */
  user?: string | UserSpec;
  /** Default: the review's commit. */
  commitId?: string;
  /** Default: a one-line hunk header for the line. */
  diffHunk?: string;
  position?: number | null;
}

export interface ReviewSpec {
  /** Default: the repository's owner. */
  user?: string | UserSpec;
  /** Default COMMENTED. */
  state?: ReviewState;
  body?: string;
  /** Default: the pull request's head sha. */
  commitId?: string;
  comments?: ReviewCommentSpec[];
}

export interface ChangedFileSpec {
  filename: string;
  status?: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions?: number;
  deletions?: number;
  patch?: string;
  previousFilename?: string;
}

export interface ComparisonSpec {
  files: ChangedFileSpec[];
  /** Commits from base to head, oldest first; default one commit named after the head. */
  commits?: Array<{ sha: string; message: string }>;
  behindBy?: number;
}

export interface ComparisonRecord extends Required<Omit<ComparisonSpec, 'behindBy'>> {
  base: string;
  head: string;
  behindBy: number;
}

export class ReviewStore {
  readonly reviews = new Map<number, ReviewRecord>();
  readonly comments = new Map<number, ReviewCommentRecord>();
  private readonly comparisons = new Map<string, ComparisonRecord>();

  constructor(private readonly state: GitHubState) {}

  private userFrom(spec: string | UserSpec | undefined, fallback: UserRecord): UserRecord {
    if (spec === undefined) return fallback;
    return this.state.addUser(typeof spec === 'string' ? { login: spec } : spec);
  }

  addReview(pull: IssueRecord, spec: ReviewSpec = {}): ReviewRecord {
    if (!pull.pull) throw new Error(`fake-github: #${pull.number} is not a pull request`);
    const state = spec.state ?? 'COMMENTED';
    const review: ReviewRecord = {
      id: this.state.id(),
      repo: pull.repo,
      pullNumber: pull.number,
      user: this.userFrom(spec.user, pull.repo.owner),
      body: spec.body ?? '',
      state,
      commitId: spec.commitId ?? pull.pull.head.sha,
      submittedAt: state === 'PENDING' ? null : this.state.now(),
    };
    this.reviews.set(review.id, review);
    for (const c of spec.comments ?? []) this.addComment(review, c);
    return review;
  }

  addComment(review: ReviewRecord, spec: ReviewCommentSpec, inReplyTo?: ReviewCommentRecord): ReviewCommentRecord {
    const at = this.state.now();
    const line = spec.line ?? null;
    const comment: ReviewCommentRecord = {
      id: this.state.id(),
      repo: review.repo,
      pullNumber: review.pullNumber,
      reviewId: review.id,
      user: this.userFrom(spec.user, review.user),
      body: spec.body,
      path: spec.path,
      line,
      side: spec.side ?? 'RIGHT',
      startLine: spec.startLine ?? null,
      startSide: spec.startLine === undefined ? null : (spec.side ?? 'RIGHT'),
      position: spec.position === undefined ? line : spec.position,
      commitId: spec.commitId ?? review.commitId,
      originalCommitId: spec.commitId ?? review.commitId,
      diffHunk: spec.diffHunk ?? `@@ -${line ?? 1},1 +${line ?? 1},1 @@`,
      inReplyToId: inReplyTo?.id ?? null,
      createdAt: at,
      updatedAt: at,
      reactions: [],
    };
    this.comments.set(comment.id, comment);
    return comment;
  }

  reviewsOf(pull: IssueRecord): ReviewRecord[] {
    return [...this.reviews.values()].filter((r) => r.repo === pull.repo && r.pullNumber === pull.number).sort((a, b) => a.id - b.id);
  }

  commentsOf(pull: IssueRecord): ReviewCommentRecord[] {
    return [...this.comments.values()].filter((c) => c.repo === pull.repo && c.pullNumber === pull.number).sort((a, b) => a.id - b.id);
  }

  setComparison(repo: RepoRecord, base: string, head: string, spec: ComparisonSpec): ComparisonRecord {
    const record: ComparisonRecord = {
      base,
      head,
      files: spec.files,
      commits: spec.commits ?? [{ sha: head, message: `Commit ${head.slice(0, 7)}` }],
      behindBy: spec.behindBy ?? 0,
    };
    this.comparisons.set(`${repo.fullName.toLowerCase()} ${base}...${head}`, record);
    return record;
  }

  comparison(repo: RepoRecord, base: string, head: string): ComparisonRecord | undefined {
    return this.comparisons.get(`${repo.fullName.toLowerCase()} ${base}...${head}`);
  }
}
