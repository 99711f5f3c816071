import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Containers and the slow fault-injection tier (`*.slow.test.ts`) have their own scripts.
    exclude: ["test/containers/**", "test/**/*.slow.test.ts", "node_modules/**"],
    // Native addons (hnswlib) and the WASM model are happier in child processes than in threads.
    pool: "forks",
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
