/**
 * Resolves a client-supplied article path to a file inside the articles root, or refuses it.
 * Refused: empty or over-long paths, NUL bytes, absolute paths (POSIX, Windows drive or UNC),
 * backslashes, percent-encoding (articles are addressed by their plain relative path, so an
 * encoded `..` can never slip past a check), any `.` or `..` segment, hidden files and folders
 * (never indexed, so never served), non-Markdown files, and symbolic links whose target lies
 * outside the root.
 */
import { realpath, stat } from "node:fs/promises";
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

/**
 * The real absolute path (and size) of the article `requested` under `root`. Throws
 * PathRefusedError for a refused path and ArticleNotFoundError when no such regular file exists.
 */
export async function resolveArticlePath(root: string, requested: string): Promise<ResolvedArticle> {
  const segments = validateArticlePath(requested);
  const realRoot = await realpath(root);
  let realFile: string;
  try {
    realFile = await realpath(path.join(realRoot, ...segments));
  } catch {
    throw new ArticleNotFoundError(requested);
  }
  const relative = path.relative(realRoot, realFile);
  if (relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new PathRefusedError("path leads outside the articles root (through a symbolic link)");
  }
  if (!isMarkdownName(realFile)) throw new PathRefusedError("path leads to a file that is not a Markdown article");
  const info = await stat(realFile);
  if (!info.isFile()) throw new ArticleNotFoundError(requested);
  return { file: realFile, bytes: info.size };
}
