/** The knowledge-base MCP server: registers its tools and resources, nothing else. */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { cleanParamErrors } from "../shared/mcp/clean-param-errors.js";
import { PACKAGE_VERSION } from "../shared/package-root.js";
import type { KbDeps } from "./deps.js";
import { registerArticleResources } from "./resources.js";
import { registerGetArticleContentTool } from "./tools/get-article-content.js";
import { registerKbStatsTool } from "./tools/kb-stats.js";
import { registerListCategoriesTool } from "./tools/list-categories.js";
import { registerSearchKnowledgeBaseTool } from "./tools/search-knowledge-base.js";

export const KB_SERVER_NAME = "quantmind-kb";

export function createKbServer(deps: KbDeps): McpServer {
  const server = new McpServer(
    { name: KB_SERVER_NAME, version: PACKAGE_VERSION },
    {
      instructions:
        "Knowledge base of MQL5 and algorithmic-trading articles. Use search_knowledge_base to find articles, " +
        "get_article_content to read one, list_categories to see the topics, kb_stats for what is indexed.",
    },
  );
  registerSearchKnowledgeBaseTool(server, deps);
  registerGetArticleContentTool(server, deps);
  registerKbStatsTool(server, deps);
  registerListCategoriesTool(server, deps);
  registerArticleResources(server, deps);
  return cleanParamErrors(server);
}
