import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Secret } from "../../../../sdk/internal.js";
import { HISTORY_KEEP, StateHistory, sameCheckpoint } from "../../../../installer/engine/state/history.js";
import { emptyCheckpoint } from "../../../../installer/engine/state/types.js";

describe("StateHistory", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const history = (): { h: StateHistory; dir: string } => {
    const root = mkdtempSync(join(tmpdir(), "drydock-history-"));
    dirs.push(root);
    const dir = join(root, "history", "proj", "dev");
    return { h: new StateHistory(dir), dir };
  };

  it(`keeps the newest ${HISTORY_KEEP} copies, newest first, 0600 in a 0700 folder`, async () => {
    const { h, dir } = history();
    const t0 = Date.parse("2026-12-05T08:00:00.000Z");
    for (let i = 0; i < HISTORY_KEEP + 3; i++) await h.keep(`copy ${i}`, "drydock up", new Date(t0 + i * 1000));
    const list = await h.list();
    expect(list).toHaveLength(HISTORY_KEEP);
    expect(await h.read(list[0]!)).toBe(`copy ${HISTORY_KEEP + 2}`);
    expect(await h.read(list.at(-1)!)).toBe("copy 3");
    expect(list[0]).toMatchObject({ operation: "up", time: new Date(t0 + (HISTORY_KEEP + 2) * 1000).toISOString() });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
  });

  it("two copies in the same millisecond both survive", async () => {
    const { h } = history();
    const now = new Date("2026-12-05T08:00:00.000Z");
    const a = await h.keep("a", "stack rm", now);
    const b = await h.keep("b", "stack rm", now);
    expect(a.id).not.toBe(b.id);
    expect(b.operation).toBe("stack rm");
    expect((await h.list()).map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
  });

  it("compares secrets by value and secretness, not by ciphertext or wrapper", () => {
    const cp = (v: unknown) => ({ ...emptyCheckpoint("p", "s"), outputs: { x: v } }) as never;
    expect(sameCheckpoint(cp(new Secret("a")), cp(new Secret("a")))).toBe(true);
    expect(sameCheckpoint(cp(new Secret("a")), cp("a"))).toBe(false);
    expect(sameCheckpoint(cp(new Secret("a")), cp(new Secret("b")))).toBe(false);
  });
});
