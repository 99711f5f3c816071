/** Knowledge-base errors; each code is stable and appears first in a failed tool's text. */
import { QuantMindError } from "../shared/errors.js";

export class KbError extends QuantMindError {}

/** The collection was built with another embedding model or dimension than the one configured. */
export class EmbeddingMismatchError extends KbError {
  override readonly internal = true;

  constructor(message: string) {
    super("EMBEDDING_MISMATCH", message);
  }
}

/** A requested article path is not allowed (traversal, absolute, outside the root, not Markdown). */
export class PathRefusedError extends KbError {
  constructor(message: string) {
    super("PATH_REFUSED", message);
  }
}

/** A requested article does not exist. */
export class ArticleNotFoundError extends KbError {
  constructor(path: string) {
    super("NOT_FOUND", `no article at ${JSON.stringify(path)}; search_knowledge_base returns valid paths`);
  }
}

/** The vector store or embedding service cannot be reached or answered with an error. */
export class BackendUnavailableError extends KbError {
  override readonly internal = true;

  constructor(message: string, options?: ErrorOptions) {
    super("BACKEND_UNAVAILABLE", message, options);
  }
}

/** The collection has not been indexed yet. */
export class NotIndexedError extends KbError {
  constructor(collection: string) {
    super("NOT_INDEXED", `collection ${JSON.stringify(collection)} is empty: run \`quantmind index\` first`);
  }
}

/**
 * A text is longer than the embedding model's input window. It is refused rather than cut,
 * because a silently truncated chunk would be indexed under content the vector never saw.
 */
export class EmbeddingInputTooLongError extends KbError {
  constructor(
    /** Tokens the text takes, as the embedder counts them. */
    readonly tokens: number,
    /** The embedder's window (`Embedder.maxInputTokens`). */
    readonly maxInputTokens: number,
    /** Position of the text in the `embed()` call. */
    readonly index: number,
    model: string,
  ) {
    super(
      "INPUT_TOO_LONG",
      `text #${index} is ${tokens} tokens, over the ${maxInputTokens}-token window of ${model}; split it into smaller chunks`,
    );
  }
}

/** The embedded store's files on disk are unreadable or inconsistent; the message names the file and the fix. */
export class StoreCorruptError extends KbError {
  override readonly internal = true;

  constructor(message: string, options?: ErrorOptions) {
    super("STORE_CORRUPT", message, options);
  }
}

/** A write reached a collection that does not exist yet: `ensureCollection` must run first. */
export class CollectionMissingError extends KbError {
  override readonly internal = true;

  constructor(collection: string) {
    super(
      "COLLECTION_MISSING",
      `collection ${JSON.stringify(collection)} does not exist: call ensureCollection(meta) before writing to it`,
    );
  }
}

/** An article file cannot be served: not valid frontmatter, or too large. */
export class ArticleUnreadableError extends KbError {
  constructor(code: "ARTICLE_MALFORMED" | "ARTICLE_TOO_LARGE", message: string) {
    super(code, message);
  }
}

/** An index run found nothing it could index. */
export class NothingIndexedError extends KbError {
  constructor(message: string) {
    super("NOTHING_INDEXED", message);
  }
}

/**
 * Another live process holds the embedded store's write lock (`<collection dir>/write.lock`):
 * one writer at a time, so two index runs cannot overwrite each other's files.
 */
export class StoreLockedError extends KbError {
  constructor(
    /** The lock file. */
    readonly lockPath: string,
    /** Who holds it, as the lock file says; undefined when it kept changing hands while we looked. */
    readonly owner: { pid: number; hostname: string; startedAt: string } | undefined,
  ) {
    super(
      "STORE_LOCKED",
      owner
        ? `the embedded store is being written by process ${owner.pid} on host ${owner.hostname} (since ${owner.startedAt}); ` +
            `wait for that index run to finish, or delete ${lockPath} if that process is gone`
        : `the write lock ${lockPath} kept changing hands; wait for the other index run to finish, ` +
            `or delete ${lockPath} if no other process is writing`,
    );
  }
}
