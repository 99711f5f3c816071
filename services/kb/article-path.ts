/**
 * Resolves a client-supplied article path to a file inside the articles root, or refuses it.
 * Refused: empty or over-long paths, NUL bytes, absolute paths (POSIX, Windows drive or UNC),
 * backslashes, percent-encoding (articles are addressed by their plain relative path, so an
 * encoded `..` can never slip past a check), any `.` or `..` segment, hidden files and folders
 * (never indexed, so never served), non-Markdown files, and symbolic links whose target lies
 * outside the root. The check is made on the file descriptor that is then read, never on a name
 * that is opened again later.
 */
import { constants, type Stats } from "node:fs";
import { open, readlink, realpath, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { ArticleNotFoundError, PathRefusedError } from "./errors.js";
import { isMarkdownName } from "./articles.js";

export const MAX_ARTICLE_PATH_LENGTH = 512;

/** Checks the shape of `requested` without touching the disk; returns its segments. */
export function validateArticlePath(requested: string): string[] {
  if (requested.length === 0) throw new PathRefusedError("path is empty");
  if (requested.length > MAX_ARTICLE_PATH_LENGTH) {
    throw new PathRefusedError(`path is longer than ${MAX_ARTICLE_PATH_LENGTH} characters`);
  }
  if (requested.includes("\0")) throw new PathRefusedError("path contains a NUL byte");
  if (requested.includes("\\")) throw new PathRefusedError("path contains a backslash: use / between folders");
  if (requested.includes("%")) throw new PathRefusedError("path contains percent-encoding: send the plain relative path");
  if (requested.startsWith("/") || /^[a-zA-Z]:/.test(requested)) {
    throw new PathRefusedError("path is absolute: send it relative to the articles root");
  }
  const segments = requested.split("/");
  if (segments.some((s) => s === ".." || s === "." || s === "")) {
    throw new PathRefusedError("path has an empty, '.' or '..' segment: traversal is not allowed");
  }
  if (segments.some((s) => s.startsWith("."))) {
    throw new PathRefusedError("path names a hidden file or folder, which is never indexed");
  }
  if (!isMarkdownName(segments[segments.length - 1]!)) {
    throw new PathRefusedError("only Markdown articles (.md) can be read");
  }
  return segments;
}

export interface ResolvedArticle {
  /** Real absolute path. */
  file: string;
  bytes: number;
}

/** An article opened through the guard: read it from `handle`, never again by name. */
export interface OpenedArticle extends ResolvedArticle {
  handle: FileHandle;
}

/** Open errors that mean "nothing readable there": a missing name, a folder in the path that is a file, a link loop. */
const NOT_FOUND_CODES = new Set(["ENOENT", "ENOTDIR", "ELOOP", "ENAMETOOLONG", "EISDIR"]);

/**
 * Opens the article `requested` under `root` once, then checks the file actually opened: its
 * real path (read back from the descriptor) must lie under the root and name a Markdown file,
 * and it must be a regular file. A folder swapped for a link between a check and a later open
 * cannot lead anywhere else, because there is no later open. Throws PathRefusedError for a
 * refused path and ArticleNotFoundError when no such regular file exists. The caller closes the
 * handle.
 */
export async function openArticle(root: string, requested: string): Promise<OpenedArticle> {
  const segments = validateArticlePath(requested);
  const realRoot = await realpath(root);
  const name = path.join(realRoot, ...segments);
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO planted under the root must not wait for a writer.
    handle = await open(name, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    if (NOT_FOUND_CODES.has((error as NodeJS.ErrnoException).code ?? "")) throw new ArticleNotFoundError(requested);
    throw error;
  }
  try {
    const info = await handle.stat();
    const realFile = await descriptorPath(handle, name, info);
    if (realFile === undefined) throw new ArticleNotFoundError(requested);
    const relative = path.relative(realRoot, realFile);
    if (relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
      throw new PathRefusedError("path leads outside the articles root (through a symbolic link)");
    }
    if (!isMarkdownName(realFile)) throw new PathRefusedError("path leads to a file that is not a Markdown article");
    if (!info.isFile()) throw new ArticleNotFoundError(requested);
    return { handle, file: realFile, bytes: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The real path of the file behind `handle`. On Linux the kernel says it (`/proc/self/fd/N`);
 * elsewhere the name is resolved again and accepted only if it is the same file (device and
 * inode) as the one opened. Undefined when the file was deleted or replaced meanwhile.
 */
async function descriptorPath(handle: FileHandle, name: string, info: Stats): Promise<string | undefined> {
  try {
    const linked = await readlink(`/proc/self/fd/${handle.fd}`);
    if (path.isAbsolute(linked)) return linked.endsWith(" (deleted)") ? undefined : linked;
  } catch {
    // no procfs here: fall back to comparing identities
  }
  try {
    const resolved = await realpath(name);
    const again = await stat(resolved);
    return again.dev === info.dev && again.ino === info.ino ? resolved : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The real absolute path (and size) of the article `requested` under `root`. Throws
 * PathRefusedError for a refused path and ArticleNotFoundError when no such regular file exists.
 * To read the article, use {@link openArticle} and read from its handle.
 */
export async function resolveArticlePath(root: string, requested: string): Promise<ResolvedArticle> {
  const { handle, file, bytes } = await openArticle(root, requested);
  await handle.close();
  return { file, bytes };
}
