// JSON representations in GitHub's shapes (every field its schemas require), with API URLs on
// the fake's own address and web URLs on a fake html host.
import {
  LEGACY_PERMISSION,
  roleAtLeast,
  type CommentRecord,
  type GitHubState,
  type IssueRecord,
  type LabelRecord,
  type ReactionRecord,
  type RepoRecord,
  type Role,
  type UserRecord,
} from './state.js';

type Json = Record<string, unknown>;

const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'eyes', 'rocket'] as const;

function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`fake:${id}`).toString('base64url')}`;
}

export class Renderer {
  constructor(
    private readonly state: GitHubState,
    /** The fake's base URL, e.g. http://127.0.0.1:1234 */
    readonly api: string,
    /** The web host, e.g. https://github.example */
    readonly html: string,
  ) {}

  user(u: UserRecord): Json {
    const url = `${this.api}/users/${encodeURIComponent(u.login)}`;
    return {
      login: u.login,
      id: u.id,
      node_id: nodeId(u.type === 'Bot' ? 'BOT' : u.type === 'Organization' ? 'O' : 'U', u.id),
      avatar_url: `https://avatars.github.example/u/${u.id}?v=4`,
      gravatar_id: '',
      url,
      html_url: u.type === 'Bot' ? `${this.html}/apps/${u.login.replace(/\[bot\]$/, '')}` : `${this.html}/${u.login}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: u.type,
      user_view_type: 'public',
      site_admin: u.siteAdmin,
    };
  }

  /** A user's permission booleans on a repository, as in `repository.permissions`. */
  permissions(role: Role): Json {
    return {
      admin: roleAtLeast(role, 'admin'),
      maintain: roleAtLeast(role, 'maintain'),
      push: roleAtLeast(role, 'write'),
      triage: roleAtLeast(role, 'triage'),
      pull: roleAtLeast(role, 'read'),
    };
  }

  repo(r: RepoRecord, viewer?: UserRecord): Json {
    const api = `${this.api}/repos/${r.fullName}`;
    const html = `${this.html}/${r.fullName}`;
    const host = new URL(this.html).host;
    const openIssues = [...r.issues.values()].filter((i) => i.state === 'open').length;
    const parent = r.parent ? this.state.repo(r.parent) : undefined;
    const role = viewer ? (this.state.roleOf(r, viewer.login) ?? (r.private ? 'none' : 'read')) : undefined;
    return {
      id: r.id,
      node_id: nodeId('R', r.id),
      name: r.name,
      full_name: r.fullName,
      owner: this.user(r.owner),
      private: r.private,
      html_url: html,
      description: r.description,
      fork: Boolean(parent),
      url: api,
      archive_url: `${api}/{archive_format}{/ref}`,
      assignees_url: `${api}/assignees{/user}`,
      blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`,
      compare_url: `${api}/compare/{base}...{head}`,
      contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`,
      deployments_url: `${api}/deployments`,
      downloads_url: `${api}/downloads`,
      events_url: `${api}/events`,
      forks_url: `${api}/forks`,
      git_commits_url: `${api}/git/commits{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_url: `git://${host}/${r.fullName}.git`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`,
      keys_url: `${api}/keys{/key_id}`,
      labels_url: `${api}/labels{/name}`,
      languages_url: `${api}/languages`,
      merges_url: `${api}/merges`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`,
      releases_url: `${api}/releases{/id}`,
      ssh_url: `git@${host}:${r.fullName}.git`,
      stargazers_url: `${api}/stargazers`,
      statuses_url: `${api}/statuses/{sha}`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      tags_url: `${api}/tags`,
      teams_url: `${api}/teams`,
      trees_url: `${api}/git/trees{/sha}`,
      clone_url: `${html}.git`,
      mirror_url: null,
      hooks_url: `${api}/hooks`,
      svn_url: html,
      homepage: null,
      language: null,
      forks_count: 0,
      stargazers_count: 0,
      watchers_count: 0,
      size: 0,
      default_branch: r.defaultBranch,
      open_issues_count: openIssues,
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: true,
      has_wiki: true,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: r.archived,
      disabled: false,
      visibility: r.private ? 'private' : 'public',
      pushed_at: r.pushedAt,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
      ...(role ? { permissions: this.permissions(role) } : {}),
      allow_forking: true,
      web_commit_signoff_required: false,
      license: null,
      forks: 0,
      open_issues: openIssues,
      watchers: 0,
    };
  }

  /** `GET /repos/{owner}/{repo}` adds network counts and, for forks, parent and source. */
  fullRepo(r: RepoRecord, viewer: UserRecord): Json {
    const parent = r.parent ? this.state.repo(r.parent) : undefined;
    let source = parent;
    while (source?.parent) source = this.state.repo(source.parent);
    return {
      ...this.repo(r, viewer),
      network_count: 0,
      subscribers_count: 0,
      ...(parent ? { parent: this.repo(parent), source: this.repo(source ?? parent) } : {}),
    };
  }

  label(repo: RepoRecord, l: LabelRecord): Json {
    return {
      id: l.id,
      node_id: nodeId('LA', l.id),
      url: `${this.api}/repos/${repo.fullName}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      color: l.color,
      default: false,
      description: l.description,
    };
  }

  authorAssociation(repo: RepoRecord, user: UserRecord): string {
    if (user.login.toLowerCase() === repo.owner.login.toLowerCase()) return 'OWNER';
    const role = this.state.roleOf(repo, user.login);
    return role && role !== 'none' ? 'COLLABORATOR' : 'NONE';
  }

  reactionRollup(url: string, reactions: ReactionRecord[]): Json {
    const counts: Json = { url, total_count: reactions.length };
    for (const r of REACTIONS) counts[r] = reactions.filter((x) => x.content === r).length;
    return counts;
  }

  private issueHtml(i: IssueRecord): string {
    return `${this.html}/${i.repo.fullName}/${i.pull ? 'pull' : 'issues'}/${i.number}`;
  }

  issue(i: IssueRecord): Json {
    const url = `${this.api}/repos/${i.repo.fullName}/issues/${i.number}`;
    const commentCount = this.state.commentsOf(i).length;
    return {
      id: i.id,
      node_id: nodeId(i.pull ? 'PR' : 'I', i.id),
      url,
      repository_url: `${this.api}/repos/${i.repo.fullName}`,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: this.issueHtml(i),
      number: i.number,
      state: i.state,
      state_reason: i.state === 'closed' ? 'completed' : null,
      title: i.title,
      body: i.body,
      user: this.user(i.user),
      labels: i.labels.map((l) => this.label(i.repo, l)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: i.locked,
      active_lock_reason: null,
      comments: commentCount,
      ...(i.pull
        ? {
            draft: i.pull.draft,
            pull_request: {
              url: `${this.api}/repos/${i.repo.fullName}/pulls/${i.number}`,
              html_url: this.issueHtml(i),
              diff_url: `${this.issueHtml(i)}.diff`,
              patch_url: `${this.issueHtml(i)}.patch`,
              merged_at: i.pull.mergedAt,
            },
          }
        : {}),
      closed_at: i.closedAt,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_by: null,
      author_association: this.authorAssociation(i.repo, i.user),
      reactions: this.reactionRollup(`${url}/reactions`, i.reactions),
      timeline_url: `${url}/timeline`,
      performed_via_github_app: null,
    };
  }

  comment(c: CommentRecord): Json {
    const issue = c.repo.issues.get(c.issueNumber);
    const url = `${this.api}/repos/${c.repo.fullName}/issues/comments/${c.id}`;
    return {
      id: c.id,
      node_id: nodeId('IC', c.id),
      url,
      html_url: `${issue ? this.issueHtml(issue) : `${this.html}/${c.repo.fullName}/issues/${c.issueNumber}`}#issuecomment-${c.id}`,
      body: c.body,
      user: this.user(c.user),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      issue_url: `${this.api}/repos/${c.repo.fullName}/issues/${c.issueNumber}`,
      author_association: this.authorAssociation(c.repo, c.user),
      performed_via_github_app: null,
      reactions: this.reactionRollup(`${url}/reactions`, c.reactions),
    };
  }

  reaction(r: ReactionRecord): Json {
    return { id: r.id, node_id: nodeId('REA', r.id), user: this.user(r.user), content: r.content, created_at: r.createdAt };
  }

  collaboratorPermission(user: UserRecord, role: Role): Json {
    return {
      permission: LEGACY_PERMISSION[role],
      role_name: role,
      user: { ...this.user(user), permissions: this.permissions(role), role_name: role },
    };
  }

  /** The pull request as `GET /pulls/{n}` returns it; `simple` drops what list responses omit. */
  pull(i: IssueRecord, simple = false): Json {
    const p = i.pull;
    if (!p) throw new Error(`fake-github: #${i.number} is not a pull request`);
    const api = `${this.api}/repos/${i.repo.fullName}`;
    const url = `${api}/pulls/${i.number}`;
    const html = this.issueHtml(i);
    const end = (ref: typeof p.head): Json => ({
      label: `${ref.repo.owner.login}:${ref.ref}`,
      ref: ref.ref,
      sha: ref.sha,
      user: this.user(ref.repo.owner),
      repo: this.repo(ref.repo),
    });
    const links: Json = {
      self: { href: url },
      html: { href: html },
      issue: { href: `${api}/issues/${i.number}` },
      comments: { href: `${api}/issues/${i.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${p.head.sha}` },
    };
    const base: Json = {
      url,
      id: p.id,
      node_id: nodeId('PR', p.id),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${i.number}`,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${i.number}/comments`,
      statuses_url: `${api}/statuses/${p.head.sha}`,
      number: i.number,
      state: i.state,
      locked: i.locked,
      title: i.title,
      user: this.user(i.user),
      body: i.body,
      labels: i.labels.map((l) => this.label(i.repo, l)),
      milestone: null,
      active_lock_reason: null,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_at: i.closedAt,
      merged_at: p.mergedAt,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: end(p.head),
      base: end(p.base),
      _links: links,
      author_association: this.authorAssociation(i.repo, i.user),
      auto_merge: null,
      draft: p.draft,
    };
    if (simple) return base;
    return {
      ...base,
      merged: p.merged,
      // GitHub computes mergeability in the background; a fresh pull request reports unknown.
      mergeable: null,
      rebaseable: null,
      mergeable_state: 'unknown',
      merged_by: null,
      comments: this.state.commentsOf(i).length,
      review_comments: this.state.reviews.commentsOf(i).length,
      maintainer_can_modify: p.maintainerCanModify,
      commits: 1,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    };
  }
}
