// The fake's world: users, repositories, issues and pull requests (one number sequence, as on
// GitHub), comments, reactions, labels, collaborator roles and branches.
import { createHash } from 'node:crypto';
import { ReviewStore } from './state-reviews.js';

export type Role = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
export type UserType = 'User' | 'Bot' | 'Organization';
export type ReactionContent = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export interface UserRecord {
  login: string;
  id: number;
  type: UserType;
  siteAdmin: boolean;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface BranchRef {
  repo: RepoRecord;
  ref: string;
  sha: string;
}

export interface PullFields {
  id: number;
  head: BranchRef;
  base: BranchRef;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  maintainerCanModify: boolean;
}

export interface IssueRecord {
  id: number;
  number: number;
  repo: RepoRecord;
  title: string;
  body: string | null;
  user: UserRecord;
  labels: LabelRecord[];
  state: 'open' | 'closed';
  locked: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  reactions: ReactionRecord[];
  /** Present when this number is a pull request. */
  pull?: PullFields;
}

export interface ReactionRecord {
  id: number;
  content: ReactionContent;
  user: UserRecord;
  createdAt: string;
}

export interface CommentRecord {
  id: number;
  repo: RepoRecord;
  issueNumber: number;
  body: string;
  user: UserRecord;
  createdAt: string;
  updatedAt: string;
  reactions: ReactionRecord[];
}

/** Looks a branch up outside the fake (e.g. in a bare git repository); its head sha or undefined. */
export type BranchResolver = (branch: string) => string | undefined | Promise<string | undefined>;

export interface RepoRecord {
  id: number;
  owner: UserRecord;
  name: string;
  fullName: string;
  defaultBranch: string;
  private: boolean;
  /** `owner/name` of the parent when this is a fork. */
  parent?: string;
  description: string | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  branches: Map<string, string>;
  resolveBranch?: BranchResolver;
  roles: Map<string, Role>;
  labels: Map<string, LabelRecord>;
  issues: Map<number, IssueRecord>;
  nextNumber: number;
  /** What the permission endpoint says about users with no role: GitHub's implied read/none, or 404. */
  nonCollaborators: 'implied' | 'not-found';
}

export interface UserSpec {
  login: string;
  type?: UserType;
  id?: number;
  siteAdmin?: boolean;
}

export interface RepoSpec {
  owner: string;
  name: string;
  defaultBranch?: string;
  private?: boolean;
  /** Makes this repository a fork of `owner/name`. */
  forkOf?: string;
  description?: string | null;
  archived?: boolean;
  /** Branches besides the default one. */
  branches?: string[];
  resolveBranch?: BranchResolver;
  nonCollaborators?: 'implied' | 'not-found';
}

export interface IssueSpec {
  number?: number;
  title: string;
  body?: string | null;
  labels?: string[];
  /** Login (created as a User, or a Bot when it ends in `[bot]`) or a full user spec. */
  user?: string | UserSpec;
  state?: 'open' | 'closed';
  locked?: boolean;
}

export interface PullSpec extends Omit<IssueSpec, 'state'> {
  head: string;
  base?: string;
  draft?: boolean;
  state?: 'open' | 'closed' | 'merged';
}

export const LEGACY_PERMISSION: Record<Role, 'admin' | 'write' | 'read' | 'none'> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

const ROLE_RANK: Role[] = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];
export const roleAtLeast = (role: Role, wanted: Role): boolean => ROLE_RANK.indexOf(role) >= ROLE_RANK.indexOf(wanted);

export function fakeSha(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}

export class GitHubState {
  readonly users = new Map<string, UserRecord>();
  readonly repos = new Map<string, RepoRecord>();
  readonly comments = new Map<number, CommentRecord>();
  /** Pull request reviews, their inline comments, and seeded commit comparisons. */
  readonly reviews: ReviewStore = new ReviewStore(this);
  private nextId = 1000;

  constructor(readonly now: () => string) {}

  id(): number {
    return this.nextId++;
  }

  addUser(spec: UserSpec): UserRecord {
    const existing = this.users.get(spec.login.toLowerCase());
    if (existing) return existing;
    const user: UserRecord = {
      login: spec.login,
      id: spec.id ?? this.id(),
      type: spec.type ?? (spec.login.endsWith('[bot]') ? 'Bot' : 'User'),
      siteAdmin: spec.siteAdmin ?? false,
    };
    this.users.set(user.login.toLowerCase(), user);
    return user;
  }

  user(login: string): UserRecord | undefined {
    return this.users.get(login.toLowerCase());
  }

  addRepo(spec: RepoSpec): RepoRecord {
    const fullName = `${spec.owner}/${spec.name}`;
    if (this.repos.has(fullName.toLowerCase())) throw new Error(`fake-github: repository ${fullName} already exists`);
    if (spec.forkOf && !this.repo(spec.forkOf)) throw new Error(`fake-github: fork parent ${spec.forkOf} is unknown`);
    const owner = this.addUser({ login: spec.owner });
    const at = this.now();
    const defaultBranch = spec.defaultBranch ?? 'main';
    const repo: RepoRecord = {
      id: this.id(),
      owner,
      name: spec.name,
      fullName,
      defaultBranch,
      private: spec.private ?? false,
      ...(spec.forkOf ? { parent: spec.forkOf } : {}),
      description: spec.description ?? null,
      archived: spec.archived ?? false,
      createdAt: at,
      updatedAt: at,
      pushedAt: at,
      branches: new Map([defaultBranch, ...(spec.branches ?? [])].map((b) => [b, fakeSha(fullName, b)])),
      ...(spec.resolveBranch ? { resolveBranch: spec.resolveBranch } : {}),
      roles: new Map([[owner.login.toLowerCase(), 'admin']]),
      labels: new Map(),
      issues: new Map(),
      nextNumber: 1,
      nonCollaborators: spec.nonCollaborators ?? 'implied',
    };
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  repo(fullName: string): RepoRecord | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  mustRepo(fullName: string): RepoRecord {
    const repo = this.repo(fullName);
    if (!repo) throw new Error(`fake-github: unknown repository ${fullName}`);
    return repo;
  }

  /** A role set for the user, the owner's admin, or undefined for a non-collaborator. */
  roleOf(repo: RepoRecord, login: string): Role | undefined {
    return repo.roles.get(login.toLowerCase());
  }

  setRole(repo: RepoRecord, login: string, role: Role): void {
    this.addUser({ login });
    repo.roles.set(login.toLowerCase(), role);
  }

  async branchSha(repo: RepoRecord, branch: string): Promise<string | undefined> {
    return (await repo.resolveBranch?.(branch)) ?? repo.branches.get(branch);
  }

  label(repo: RepoRecord, name: string): LabelRecord {
    const key = name.toLowerCase();
    let label = repo.labels.get(key);
    if (!label) {
      // New labels get GitHub's default grey.
      label = { id: this.id(), name, color: 'ededed', description: null };
      repo.labels.set(key, label);
    }
    return label;
  }

  private userFrom(spec: string | UserSpec | undefined, fallback: UserRecord): UserRecord {
    if (spec === undefined) return fallback;
    return this.addUser(typeof spec === 'string' ? { login: spec } : spec);
  }

  private takeNumber(repo: RepoRecord, wanted?: number): number {
    const number = wanted ?? repo.nextNumber;
    if (repo.issues.has(number)) throw new Error(`fake-github: ${repo.fullName}#${number} already exists`);
    repo.nextNumber = Math.max(repo.nextNumber, number + 1);
    return number;
  }

  addIssue(repo: RepoRecord, spec: IssueSpec): IssueRecord {
    const at = this.now();
    const closed = spec.state === 'closed';
    const issue: IssueRecord = {
      id: this.id(),
      number: this.takeNumber(repo, spec.number),
      repo,
      title: spec.title,
      body: spec.body ?? null,
      user: this.userFrom(spec.user, repo.owner),
      labels: (spec.labels ?? []).map((name) => this.label(repo, name)),
      state: closed ? 'closed' : 'open',
      locked: spec.locked ?? false,
      createdAt: at,
      updatedAt: at,
      closedAt: closed ? at : null,
      reactions: [],
    };
    repo.issues.set(issue.number, issue);
    return issue;
  }

  addPull(repo: RepoRecord, spec: PullSpec, head: BranchRef, base: BranchRef): IssueRecord {
    const merged = spec.state === 'merged';
    const issue = this.addIssue(repo, { ...spec, state: spec.state === 'open' || !spec.state ? 'open' : 'closed' });
    issue.pull = {
      id: this.id(),
      head,
      base,
      draft: spec.draft ?? false,
      merged,
      mergedAt: merged ? issue.closedAt : null,
      maintainerCanModify: false,
    };
    return issue;
  }

  addComment(issue: IssueRecord, body: string, user: UserRecord): CommentRecord {
    const at = this.now();
    const comment: CommentRecord = {
      id: this.id(),
      repo: issue.repo,
      issueNumber: issue.number,
      body,
      user,
      createdAt: at,
      updatedAt: at,
      reactions: [],
    };
    this.comments.set(comment.id, comment);
    issue.updatedAt = at;
    return comment;
  }

  commentsOf(issue: IssueRecord): CommentRecord[] {
    return [...this.comments.values()].filter((c) => c.repo === issue.repo && c.issueNumber === issue.number).sort((a, b) => a.id - b.id);
  }

  /** Open pull requests from `head` into `base`: GitHub allows only one. */
  openPullFor(repo: RepoRecord, head: BranchRef, base: string): IssueRecord | undefined {
    return [...repo.issues.values()].find(
      (i) => i.pull && i.state === 'open' && i.pull.head.repo === head.repo && i.pull.head.ref === head.ref && i.pull.base.ref === base,
    );
  }
}
