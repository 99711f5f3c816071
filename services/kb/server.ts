/** The knowledge-base MCP server: registers its tools and resources, nothing else. */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { cleanParamErrors } from "../shared/mcp/clean-param-errors.js";
import { PACKAGE_VERSION } from "../shared/package-root.js";
import type { KbDeps } from "./deps.js";
import { registerArticleResources } from "./resources.js";
import { registerGetArticleContentTool } from "./tools/get-article-content.js";
import { registerKbStatsTool } from "./tools/kb-stats.js";
import { registerListCategoriesTool } from "./tools/list-categories.js";
import { registerSearchKnowledgeBaseTool } from "./tools/search-knowledge-base.js";

export const KB_SERVER_NAME = "quantmind-kb";

/**
 * One JSON Schema validator for every server of the process. Over HTTP a fresh server answers
 * each request, and the SDK's default builds a new Ajv instance in its constructor: ~0.8 ms of
 * every request (a third of a keyword search's server time at 20,000 chunks, bench kb-static).
 * The server validates JSON Schema only for elicitation replies, which this one never requests.
 */
const SCHEMA_VALIDATOR = new AjvJsonSchemaValidator();

export function createKbServer(deps: KbDeps): McpServer {
  const server = new McpServer(
    { name: KB_SERVER_NAME, version: PACKAGE_VERSION },
    {
      jsonSchemaValidator: SCHEMA_VALIDATOR,
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
