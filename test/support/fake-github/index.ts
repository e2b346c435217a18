// One import for tests: the fake, its canned faults, and an Octokit built like production's.
export { startFakeGitHub, DEFAULT_TOKEN, type FakeGitHub, type FakeGitHubOptions, type RecordedRequest } from './server.js';
export {
  primaryRateLimit,
  pullRequestAlreadyExists,
  secondaryRateLimit,
  serverError,
  type FaultSpec,
  type InjectedFault,
} from './faults.js';
export { createTestOctokit, type LimitEvent, type TestOctokit, type TestOctokitOptions } from './octokit.js';
export type { CommentRecord, IssueRecord, RepoRecord, RepoSpec, IssueSpec, PullSpec, Role, UserRecord, UserSpec } from './state.js';
export type {
  ChangedFileSpec,
  ComparisonSpec,
  ReviewCommentRecord,
  ReviewCommentSpec,
  ReviewRecord,
  ReviewSpec,
  ReviewState,
} from './state-reviews.js';
