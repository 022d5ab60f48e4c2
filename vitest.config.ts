import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests run the real CLI in child processes; two cores.
    maxWorkers: 2,
    reporters: ["default", "./test/plain-summary.ts"],
  },
});
