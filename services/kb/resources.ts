/** Each article is also an MCP resource, `kb://articles/<path>`, served as Markdown. */
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { toResourceError } from "../shared/mcp/resource-error.js";
import { listArticleFiles, parseArticle } from "./articles.js";
import type { KbDeps } from "./deps.js";
import { PathRefusedError } from "./errors.js";
import { readArticle, readArticleBytes } from "./read-article.js";

export const ARTICLE_URI_PREFIX = "kb://articles/";

export function articleUri(relativePath: string): string {
  return ARTICLE_URI_PREFIX + relativePath.split("/").map(encodeURIComponent).join("/");
}

export function registerArticleResources(server: McpServer, deps: KbDeps): void {
  server.registerResource(
    "article",
    new ResourceTemplate(`${ARTICLE_URI_PREFIX}{+path}`, {
      list: async () => ({
        resources: await Promise.all(
          (await listArticleFiles(deps.articlesRoot)).map(async (relativePath) => ({
            uri: articleUri(relativePath),
            name: relativePath,
            title: await articleTitle(deps.articlesRoot, relativePath),
            mimeType: "text/markdown",
          })),
        ),
      }),
    }),
    { title: "Knowledge-base article", description: "One MQL5 / trading article as Markdown", mimeType: "text/markdown" },
    async (uri, variables) => {
      try {
        const article = await readArticle(deps.articlesRoot, decodePathVariable(variables.path));
        return { contents: [{ uri: uri.href, mimeType: "text/markdown", text: `# ${article.title}\n\n${article.content}` }] };
      } catch (error) {
        // PATH_REFUSED and NOT_FOUND keep their codes on the wire, as the tools' do.
        throw toResourceError(error, uri.href, deps.logger);
      }
    },
  );
}

/** URIs are percent-encoded once; decoding once more is the guard's job to refuse. */
function decodePathVariable(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? value.join("/") : (value ?? "");
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new PathRefusedError("resource URI has invalid percent-encoding");
  }
}

/** The title, read through the same guard as a read; the path itself when the file cannot be served. */
async function articleTitle(root: string, relativePath: string): Promise<string> {
  try {
    const parsed = parseArticle(relativePath, await readArticleBytes(root, relativePath));
    return parsed.ok ? parsed.article.title : relativePath;
  } catch {
    return relativePath;
  }
}
