/**
 * Bundles the QuantConnect MCP Lambda handler with esbuild: one minified CommonJS file,
 * `index.js`, exporting `handler` (Lambda handler setting `index.handler`, runtime nodejs22.x).
 *
 *   tsx scripts/build-qc-lambda.ts [outDir]        (default dist/qc-lambda)
 *
 * CommonJS, so `require` finds the AWS SDK that the Lambda runtime ships (NODE_PATH): the SDK
 * is left out of the bundle and loaded only when QC_SECRETS_ARN is set. Three modules are
 * replaced by what the Lambda needs of them:
 * - services/shared/package-root.ts reads package.json at run time; the version is inlined.
 * - zod's ~40 translations of its error messages (a quarter-megabyte): English only, which is
 *   all zod uses unless told otherwise.
 * - the SDK's Ajv validator: the server is always given the zod-based one (json-schema-validator.ts),
 *   so Ajv would only be dead weight.
 * - the SDK's Zod 3 support (zod/v3 and zod-to-json-schema): every schema here is Zod 4, so the
 *   SDK never takes its Zod 3 branches; the stand-ins throw if it ever did.
 * The tools' input JSON Schemas are computed here and inlined (QC_PRECOMPUTED_INPUT_SCHEMAS), so a
 * cold start answers tools/list without building sixty zod schemas and converting them.
 */
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { describeTool } from "../services/qc/tool-list.js";
import { QC_TOOLS } from "../services/qc/tools/all-tools.js";
import { PACKAGE_ROOT } from "../services/shared/package-root.js";

export const LAMBDA_ENTRY = path.join(PACKAGE_ROOT, "services", "qc", "lambda.ts");
export const DEFAULT_OUT_DIR = path.join(PACKAGE_ROOT, "dist", "qc-lambda");

export function lambdaReplacements(version: string): Plugin {
  return {
    name: "qc-lambda-replacements",
    setup(b) {
      b.onResolve({ filter: /\/package-root\.js$/ }, () => ({ path: "package-root", namespace: "qc-lambda" }));
      b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        args.resolveDir.includes(`${path.sep}zod${path.sep}`)
          ? { path: path.join(args.resolveDir, "..", "locales", "en.js"), namespace: "qc-lambda-zod-locales" }
          : undefined,
      );
      b.onResolve({ filter: /\/validation\/ajv-provider\.js$/ }, () => ({ path: "ajv-provider", namespace: "qc-lambda" }));
      b.onResolve({ filter: /^(zod\/v3|zod-to-json-schema)$/ }, (args) => ({ path: args.path, namespace: "qc-lambda" }));
      const contents: Record<string, string> = {
        "package-root": `export const PACKAGE_ROOT = __dirname; export const PACKAGE_VERSION = ${JSON.stringify(version)};`,
        "ajv-provider": "export class AjvJsonSchemaValidator { constructor() { throw new Error('Ajv is not in the Lambda bundle: pass jsonSchemaValidator'); } }",
        "zod/v3": "export function object() { throw new Error('Zod 3 schemas are not supported in the Lambda bundle'); }",
        "zod-to-json-schema": "export function zodToJsonSchema() { throw new Error('Zod 3 schemas are not supported in the Lambda bundle'); }",
      };
      b.onLoad({ filter: /.*/, namespace: "qc-lambda" }, (args) => ({ loader: "js", contents: contents[args.path]! }));
      b.onLoad({ filter: /.*/, namespace: "qc-lambda-zod-locales" }, (args) => ({
        loader: "js",
        resolveDir: path.dirname(args.path),
        contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      }));
    },
  };
}

/** Builds the bundle into `outDir`; returns the file and its size in bytes. */
export async function bundleQcLambda(outDir: string): Promise<{ file: string; bytes: number }> {
  const { version } = JSON.parse(await readFile(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, "index.js");
  await build({
    entryPoints: [LAMBDA_ENTRY],
    outfile: file,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    legalComments: "none",
    // Provided by the Lambda runtime; loaded lazily (client/secrets-manager.ts).
    external: ["@aws-sdk/*"],
    define: { QC_PRECOMPUTED_INPUT_SCHEMAS: JSON.stringify(Object.fromEntries(QC_TOOLS.map((tool) => [tool.name, describeTool(tool).inputSchema]))) },
    plugins: [lambdaReplacements(version)],
    logLevel: "warning",
  });
  return { file, bytes: (await stat(file)).size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const outDir = path.resolve(process.argv[2] ?? DEFAULT_OUT_DIR);
  const { file, bytes } = await bundleQcLambda(outDir);
  process.stdout.write(`${file}: ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes), handler index.handler\n`);
}
