/**
 * Atomic file replacement: write a temporary file in the same directory, fsync it, rename it
 * over the target, then fsync the directory. A crash at any point leaves either the old file or
 * the new one, never a mix. rename() is atomic only within one file system, hence the temporary
 * file's location.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** @internal Test hooks: called after the temporary file is written and synced, before rename. */
export interface AtomicWriteHooks {
  beforeRename?: (tempPath: string) => void;
}

/** Replaces `path` with `chunks` (written in order), atomically. */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[], hooks: AtomicWriteHooks = {}): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o644);
  let renamed = false;
  try {
    try {
      for (const chunk of chunks) {
        let off = 0;
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    hooks.beforeRename?.(temp);
    renameSync(temp, path);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // Already gone; nothing to clean.
      }
    }
  }
  syncDir(dir);
}

/** fsync on a directory makes a rename durable; some platforms (Windows) cannot open one. */
function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL on file systems that do not support it: the rename itself still happened.
  } finally {
    closeSync(fd);
  }
}
