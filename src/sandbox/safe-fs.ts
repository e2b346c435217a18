// Reading and writing files in a directory tree that someone else may have shaped: the agent's
// scratch copy (it ran untrusted text with a shell, and may have left links to root-only files,
// to /proc/<pid>/environ of this process, FIFOs, 2 GB sparse files), and the job's checkout.
//
// Whoever we run as (root, or a user with sudo), no path trick may take a read or a write
// outside `root`. So nothing here resolves a path string more than one component at a time:
// each directory is opened with O_NOFOLLOW | O_DIRECTORY relative to the one before it
// (`/proc/self/fd/<fd>/<name>` is Linux's openat() for a runtime without one), the file itself
// with O_NOFOLLOW, and what was opened is checked through its descriptor (fstat), never the
// path again. A link swapped in between two steps is either seen as a link or not reached.
// Off Linux there is no /proc/self/fd: the same checks run on paths (lstat each component,
// then compare the opened file's device and inode), which narrows the window but cannot close it.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';

/** Largest plan file we read back: far above any real plan (~1 MB for 2,400 tasks). */
export const MAX_AGENT_FILE_BYTES = 8 * 1024 * 1024;

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY, O_NONBLOCK, O_NOCTTY } = constants;
const HAS_FD_PATHS = process.platform === 'linux' && existsSync('/proc/self/fd');

export type SafeRead =
  | { kind: 'file'; text: string }
  | { kind: 'missing' }
  /** Something is there but is not a regular file we may read; `reason` says what, for people. */
  | { kind: 'refused'; reason: string };

/** A file we were asked to write is somewhere we will not write; the message says where and why. */
export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

/**
 * Reads `relPath` (a '/'-separated path relative to `root`) as UTF-8, when it is a regular file
 * with one link, inside `root` without any symbolic link on the way, on root's file system, and
 * at most `maxBytes` long. `root` itself is trusted (we made it, or it is the job's checkout).
 */
export function readInside(root: string, relPath: string, maxBytes = MAX_AGENT_FILE_BYTES): SafeRead {
  const shown = `\`${relPath}\``;
  const segments = splitRelative(relPath);
  if (typeof segments === 'string') return { kind: 'refused', reason: `${shown} ${segments}` };
  const name = segments.pop()!;
  const dir = openDirectoryChain(root, segments, { create: false });
  if (dir.kind !== 'dir') return dir.kind === 'missing' ? dir : { kind: 'refused', reason: `${shown}: ${dir.reason}` };
  let fd: number | undefined;
  try {
    const target = childPath(dir, name);
    try {
      // O_NONBLOCK: opening a FIFO for reading must not wait for a writer that never comes.
      fd = openSync(target, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'missing' };
      if (code === 'ELOOP') return { kind: 'refused', reason: `${shown} is a symbolic link` };
      if (code === 'ENXIO') return { kind: 'refused', reason: `${shown} is a socket` };
      return { kind: 'refused', reason: `${shown} cannot be opened (${code ?? (error as Error).message})` };
    }
    const stat = fstatSync(fd);
    const problem = notAPlainFile(stat, dir.device, maxBytes) ?? (HAS_FD_PATHS ? undefined : swappedSince(target, stat));
    if (problem) return { kind: 'refused', reason: `${shown} ${problem}` };
    const bytes = readAtMost(fd, maxBytes);
    if (bytes === null) return { kind: 'refused', reason: `${shown} grew past ${formatBytes(maxBytes)} while it was read` };
    return { kind: 'file', text: bytes.toString('utf8') };
  } finally {
    if (fd !== undefined) closeSync(fd);
    closeSync(dir.fd);
  }
}

/**
 * Writes `content` to `relPath` under `root`: missing directories are created, none is entered
 * through a link, and the file is replaced by a rename of a new file, so a link, FIFO or hard
 * link standing at that name is replaced, never written through. Throws UnsafePathError when
 * a component is a link or not a directory.
 */
export function writeInside(root: string, relPath: string, content: string): void {
  const segments = splitRelative(relPath);
  if (typeof segments === 'string') throw new UnsafePathError(`\`${relPath}\` ${segments}`);
  const name = segments.pop()!;
  const dir = openDirectoryChain(root, segments, { create: true });
  if (dir.kind !== 'dir') {
    throw new UnsafePathError(`cannot write \`${relPath}\`: ${dir.kind === 'missing' ? 'its directory is missing' : dir.reason}`);
  }
  const temporary = `.${name}.wild-plan-${randomBytes(6).toString('hex')}`;
  try {
    const fd = openSync(childPath(dir, temporary), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
    try {
      const bytes = Buffer.from(content, 'utf8');
      for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(childPath(dir, temporary), childPath(dir, name));
    } catch (error) {
      unlinkSync(childPath(dir, temporary));
      const code = (error as NodeJS.ErrnoException).code;
      throw new UnsafePathError(
        `cannot write \`${relPath}\`: ${code === 'EISDIR' || code === 'ENOTEMPTY' ? 'a directory stands there' : (error as Error).message}`,
      );
    }
  } finally {
    closeSync(dir.fd);
  }
}

/**
 * Throws UnsafePathError now when writeInside would refuse `relPath` later (a link or a file where
 * a directory of the path should be): checked before the agent runs, so a planted link costs
 * nothing but a message. Missing directories are fine: writeInside creates them.
 */
export function assertWritableInside(root: string, relPath: string): void {
  const segments = splitRelative(relPath);
  if (typeof segments === 'string') throw new UnsafePathError(`\`${relPath}\` ${segments}`);
  segments.pop();
  const dir = openDirectoryChain(root, segments, { create: false });
  if (dir.kind === 'refused') throw new UnsafePathError(`cannot write \`${relPath}\`: ${dir.reason}`);
  if (dir.kind === 'dir') closeSync(dir.fd);
}

type OpenedDirectory =
  { kind: 'dir'; fd: number; device: number; path: string } | { kind: 'missing' } | { kind: 'refused'; reason: string };

/** Opens root, then each segment below it, one level at a time, never through a link. */
function openDirectoryChain(root: string, segments: readonly string[], options: { create: boolean }): OpenedDirectory {
  let fd: number;
  try {
    fd = openSync(root, O_RDONLY | O_DIRECTORY);
  } catch (error) {
    return {
      kind: 'refused',
      reason: `its area ${root} cannot be opened (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    };
  }
  const device = fstatSync(fd).dev;
  let current: OpenedDirectory & { kind: 'dir' } = { kind: 'dir', fd, device, path: root };
  for (const [i, segment] of segments.entries()) {
    const where = segments.slice(0, i + 1).join('/');
    const next = childPath(current, segment);
    let opened: number | undefined;
    try {
      opened = openDirectory(next);
      if (opened === undefined && options.create) {
        try {
          mkdirSync(next, 0o755);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        opened = openDirectory(next);
      }
    } catch (error) {
      // Described before closing: `next` names a path through the descriptor.
      const reason = `\`${where}\` ${describeNonDirectory(next, error as NodeJS.ErrnoException)}`;
      closeSync(fd);
      return { kind: 'refused', reason };
    }
    if (opened === undefined) {
      closeSync(fd);
      return { kind: 'missing' };
    }
    const stat = fstatSync(opened);
    const problem = stat.dev !== device ? 'is on another file system (a mount point)' : HAS_FD_PATHS ? undefined : swappedSince(next, stat);
    closeSync(fd);
    fd = opened;
    current = { kind: 'dir', fd, device, path: next };
    if (problem) {
      closeSync(fd);
      return { kind: 'refused', reason: `\`${where}\` ${problem}` };
    }
  }
  return current;
}

/** The descriptor of a directory at `target` (never through a link), or undefined when nothing is there. */
function openDirectory(target: string): number | undefined {
  try {
    return openSync(target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function describeNonDirectory(target: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ELOOP') return 'is a symbolic link';
  if (error.code === 'ENOTDIR') {
    try {
      return lstatSync(target).isSymbolicLink() ? 'is a symbolic link' : 'is not a directory';
    } catch {
      return 'is not a directory';
    }
  }
  return `cannot be opened (${error.code ?? error.message})`;
}

function childPath(dir: { fd: number; path: string }, name: string): string {
  return HAS_FD_PATHS ? `/proc/self/fd/${dir.fd}/${name}` : path.join(dir.path, name);
}

/** Why an opened file is not one we read, or undefined when it is. */
function notAPlainFile(stat: Stats, device: number, maxBytes: number): string | undefined {
  if (stat.isDirectory()) return 'is a directory';
  if (stat.isFIFO()) return 'is a FIFO (named pipe)';
  if (stat.isSocket()) return 'is a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'is a device';
  if (!stat.isFile()) return 'is not a regular file';
  // A second name for the file means it may be another file's content (a hard link made to it).
  if (stat.nlink > 1) return `has ${stat.nlink} hard links (a link to another file?)`;
  if (stat.dev !== device) return 'is on another file system (a mount point)';
  if (stat.size > maxBytes) return `is ${formatBytes(stat.size)}, over the ${formatBytes(maxBytes)} limit`;
  return undefined;
}

/** Off Linux only: whether the path now names something else than what we opened. */
function swappedSince(target: string, opened: Stats): string | undefined {
  try {
    const now = lstatSync(target);
    return now.dev === opened.dev && now.ino === opened.ino ? undefined : 'changed while it was opened';
  } catch {
    return 'changed while it was opened';
  }
}

/** At most `max` bytes; null when there were more (the file grew after fstat). */
function readAtMost(fd: number, max: number): Buffer | null {
  const buffer = Buffer.alloc(Math.min(max + 1, 64 * 1024));
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw error;
    }
    if (read === 0) break;
    total += read;
    if (total > max) return null;
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  return Buffer.concat(chunks, total);
}

/** The path's segments, or why it is not a plain relative path. */
function splitRelative(relPath: string): string[] | string {
  if (relPath === '' || relPath.startsWith('/')) return 'is not a relative path';
  const segments = relPath.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') return 'has an empty, "." or ".." segment';
    if (segment.includes('\0')) return 'contains a NUL character';
  }
  return segments;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
