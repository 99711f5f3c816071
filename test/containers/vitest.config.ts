// `npm run test:containers`: the container tier, kept out of `npm test` (which needs no Docker).
// Files run one at a time: they share two cores with the containers, and the times to healthy
// they report should not include another file's load.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/containers/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["test/containers/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
