/**
 * The index run: articles on disk -> chunks -> embeddings -> vector store.
 *
 * Incremental by content hash: an unchanged article embeds nothing; a changed one has its
 * chunks overwritten in place (ids are stable) and its surplus chunks deleted afterwards, so it
 * is never missing from search mid-run; an article deleted from disk loses its chunks. A file
 * that cannot be read, parsed or chunked is reported and skipped, and its previously indexed
 * chunks are kept.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { hashContent, listArticleFiles, parseArticle, type Article } from "./articles.js";
import { ChunkingError, chunkText } from "./chunker.js";
import type { Embedder } from "./embed/embedder.js";
import { pointId } from "./point-id.js";
import type { StoredPoint, VectorStore } from "./stores/vector-store.js";

export interface IndexOptions {
  articlesRoot: string;
  store: VectorStore;
  embedder: Embedder;
  /** Chunk size in the embedder's tokens; default 128, capped at the model's window. */
  chunkTokens?: number;
  /** Tokens shared by consecutive chunks; default 16. */
  overlapTokens?: number;
  /** Chunks embedded per call; default 128, enough to keep every worker of a pool busy. */
  embedBatchSize?: number;
  /** Called as chunks are embedded. */
  onProgress?: (progress: IndexProgress) => void;
  logger?: Logger;
  /** Clock for `markIndexed`; default `new Date()`. */
  now?: () => Date;
}

export interface IndexProgress {
  articlesScanned: number;
  articlesTotal: number;
  chunksEmbedded: number;
  /** Chunks known so far to need embedding (grows as articles are read). */
  chunksPlanned: number;
}

export interface SkippedArticle {
  path: string;
  reason: string;
}

export interface IndexSummary {
  /** Articles (re)embedded in this run. */
  indexed: string[];
  unchanged: number;
  skipped: SkippedArticle[];
  /** Articles whose chunks were removed because their file is gone. */
  removed: string[];
  chunksEmbedded: number;
  durationMs: number;
}

interface PendingArticle {
  article: Article;
  chunks: string[];
}

export const DEFAULT_CHUNK_TOKENS = 128;
export const DEFAULT_OVERLAP_TOKENS = 16;
const DEFAULT_EMBED_BATCH = 128;

export async function indexArticles(options: IndexOptions): Promise<IndexSummary> {
  const started = performance.now();
  const { store, embedder, logger } = options;
  const maxTokens = Math.min(options.chunkTokens ?? DEFAULT_CHUNK_TOKENS, embedder.maxInputTokens);
  const batchSize = options.embedBatchSize ?? DEFAULT_EMBED_BATCH;

  await store.ensureCollection({ model: embedder.model, dimension: embedder.dimension });
  const files = await listArticleFiles(options.articlesRoot);
  const known = await store.indexedArticles();

  const summary: IndexSummary = { indexed: [], unchanged: 0, skipped: [], removed: [], chunksEmbedded: 0, durationMs: 0 };
  const progress: IndexProgress = { articlesScanned: 0, articlesTotal: files.length, chunksEmbedded: 0, chunksPlanned: 0 };
  let pending: PendingArticle[] = [];
  let pendingChunks = 0;

  const flush = async () => {
    if (pending.length === 0) return;
    await embedAndStore(pending, store, embedder);
    for (const { article, chunks } of pending) {
      summary.indexed.push(article.path);
      summary.chunksEmbedded += chunks.length;
    }
    progress.chunksEmbedded = summary.chunksEmbedded;
    options.onProgress?.({ ...progress });
    pending = [];
    pendingChunks = 0;
  };

  for (const relativePath of files) {
    progress.articlesScanned++;
    let prepared: PendingArticle | "unchanged";
    try {
      prepared = await prepareArticle(options.articlesRoot, relativePath, known.get(relativePath)?.contentHash, {
        maxTokens,
        overlapTokens: options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS,
        countTokens: (text) => embedder.countTokens(text),
      });
    } catch (error) {
      if (!(error instanceof ArticleSkipped)) throw error;
      summary.skipped.push({ path: relativePath, reason: error.message });
      logger?.warn({ path: relativePath, reason: error.message }, "article skipped");
      continue;
    }
    if (prepared === "unchanged") {
      summary.unchanged++;
      continue;
    }
    const { chunks } = prepared;
    pending.push(prepared);
    pendingChunks += chunks.length;
    progress.chunksPlanned += chunks.length;
    if (pendingChunks >= batchSize) await flush();
  }
  await flush();

  const onDisk = new Set(files);
  summary.removed = [...known.keys()].filter((p) => !onDisk.has(p)).sort();
  if (summary.removed.length > 0) await store.deleteArticles(summary.removed);

  await store.markIndexed(options.now?.() ?? new Date());
  summary.durationMs = performance.now() - started;
  return summary;
}

/** A file the run reports and skips; its message is the reason. */
class ArticleSkipped extends Error {}

/** Reads, hashes, parses and chunks one article; "unchanged" when its hash is the stored one. */
async function prepareArticle(
  root: string,
  relativePath: string,
  storedHash: string | undefined,
  chunking: { maxTokens: number; overlapTokens: number; countTokens: (text: string) => number },
): Promise<PendingArticle | "unchanged"> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(root, ...relativePath.split("/")));
  } catch (error) {
    throw new ArticleSkipped(`cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (storedHash === hashContent(bytes)) return "unchanged";
  const parsed = parseArticle(relativePath, bytes);
  if (!parsed.ok) throw new ArticleSkipped(parsed.reason);
  let chunks: string[];
  try {
    chunks = chunkText(parsed.article.body, { ...chunking, heading: parsed.article.title });
  } catch (error) {
    if (error instanceof ChunkingError) throw new ArticleSkipped(`cannot be chunked: ${error.message}`);
    throw error;
  }
  if (chunks.length === 0) throw new ArticleSkipped("the article has no text to index");
  return { article: parsed.article, chunks };
}

/**
 * Embeds and stores the chunks of `pending`. Chunk 0 carries the article's content hash, so it
 * is written last, after the surplus chunks are deleted: a run interrupted anywhere before that
 * leaves the old hash in place, and the next run indexes the article again instead of taking a
 * half-written article for an unchanged one.
 */
async function embedAndStore(pending: PendingArticle[], store: VectorStore, embedder: Embedder): Promise<void> {
  const texts = pending.flatMap((p) => p.chunks);
  const vectors = await embedder.embed(texts);
  const points: StoredPoint[] = [];
  let next = 0;
  for (const { article, chunks } of pending) {
    chunks.forEach((text, chunkIndex) => {
      points.push({
        id: pointId(article.path, chunkIndex),
        vector: vectors[next++]!,
        payload: {
          path: article.path,
          chunkIndex,
          chunkCount: chunks.length,
          title: article.title,
          url: article.url,
          categories: article.categories,
          relevanceScore: article.relevanceScore,
          text,
          contentHash: article.contentHash,
          ...(article.scrapedAt !== undefined && { scrapedAt: article.scrapedAt }),
        },
      });
    });
  }
  await store.upsert(points.filter((p) => p.payload.chunkIndex > 0));
  for (const { article, chunks } of pending) await store.deleteChunksFrom(article.path, chunks.length);
  await store.upsert(points.filter((p) => p.payload.chunkIndex === 0));
}
