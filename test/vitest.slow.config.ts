// `npm run test:slow`: fault injection against real servers that takes minutes (kill -9 of a
// process mid-burst, then recovery), kept out of `npm test`. Files run one at a time: each
// starts several processes of its own.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["test/**/*.slow.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
  },
});
