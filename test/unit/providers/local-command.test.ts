/** local.Command on cancel: the whole process group stops, so the call settles at once. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commandProvider } from "../../../installer/providers/local/command.js";

describe("local.Command cancel", () => {
  it("stops what the shell started, not only the shell", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("deadline")), 300);
    const t0 = Date.now();
    const call = commandProvider.create({ create: "sleep 20; echo never" } as never, { signal: ac.signal, urn: "u", log: () => {} });
    await expect(call).rejects.toThrow("create command was cancelled: Error: deadline");
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("lets a command trap the signal and clean up before the call settles", async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-cmd-"));
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error("deadline")), 300);
      const t0 = Date.now();
      const call = commandProvider.create(
        { create: "trap 'sleep 0.2; touch cleaned; exit 3' TERM; sleep 20 & wait", dir } as never,
        { signal: ac.signal, urn: "u", log: () => {} },
      );
      await expect(call).rejects.toThrow(/cancelled/);
      expect(existsSync(join(dir, "cleaned"))).toBe(true);
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("does not start a command whose deadline passed while it was being prepared", async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-cmd-"));
    try {
      const ac = new AbortController();
      ac.abort(new Error("deadline"));
      const t0 = Date.now();
      const call = commandProvider.create({ create: "touch started; sleep 20", dir } as never, { signal: ac.signal, urn: "u", log: () => {} });
      await expect(call).rejects.toThrow("create command was cancelled before it started: Error: deadline");
      expect(existsSync(join(dir, "started"))).toBe(false);
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
