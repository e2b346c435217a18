// Checks on what we are asked to write, done before git sees any of it. Paths are relative to
// the repository root, '/'-separated, as git itself stores them.

import { PublishError } from './errors.js';

// Control characters (including NUL and newlines) would break git's line-based plumbing input.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Returns the path unchanged when it is a safe repository-relative file path; throws otherwise. */
export function validatePlanPath(path: string): string {
  const fail = (why: string): never => {
    throw new PublishError('invalid-input', `Plan file path ${JSON.stringify(path)} ${why}.`);
  };
  if (path === '') fail('is empty');
  if (CONTROL.test(path)) fail('contains a control character');
  if (path.includes('\\')) fail("uses '\\'; write paths with '/'");
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) fail('is absolute; give it relative to the repository root');
  for (const segment of path.split('/')) {
    if (segment === '') fail("has an empty segment (leading, trailing or doubled '/')");
    if (segment === '.' || segment === '..') fail(`contains '${segment}'`);
    // Case-insensitive: on macOS and Windows checkouts '.GIT' is the same directory.
    if (segment.toLowerCase() === '.git') fail('points into .git');
  }
  return path;
}

/** The rules of `git check-ref-format --branch`, checked here so a bad name fails before any I/O. */
export function validateBranchName(name: string): string {
  const fail = (why: string): never => {
    throw new PublishError('invalid-input', `Branch name ${JSON.stringify(name)} ${why}.`);
  };
  if (name === '' || name === '@') fail('is not a branch name');
  if (name.startsWith('-')) fail("starts with '-'");
  if (name.startsWith('refs/')) fail("must be a short name (without 'refs/heads/')");
  if (CONTROL.test(name) || /[ ~^:?*[\\]/.test(name)) fail('contains a character git forbids');
  if (name.includes('..') || name.includes('@{') || name.includes('//')) fail("contains '..', '@{' or '//'");
  if (name.endsWith('/') || name.endsWith('.')) fail("ends with '/' or '.'");
  for (const segment of name.split('/')) {
    if (segment.startsWith('.') || segment.endsWith('.lock')) fail("has a segment starting with '.' or ending in '.lock'");
  }
  return name;
}
