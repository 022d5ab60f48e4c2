import { describe, expect, it } from "vitest";
import { parseDuration } from "../../../installer/engine/timeouts.js";
import { DrydockError } from "../../../installer/engine/errors.js";

describe("parseDuration", () => {
  it.each([
    ["90s", 90_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["2m30s", 150_000],
    ["250ms", 250],
    ["1m500ms", 60_500],
    ["1.5h", 5_400_000],
    ["0s", 0],
  ])("parses %s as %i ms", (text, ms) => {
    expect(parseDuration(text, "x")).toBe(ms);
  });

  it.each(["", "5", "m", "5 m", " 5m", "5m ", "-5s", "5d", "1h30", "s30"])("rejects %j, naming the field", (text) => {
    let err: unknown;
    try {
      parseDuration(text, "customTimeouts.create");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DrydockError);
    expect((err as DrydockError).kind).toBe("input");
    expect((err as Error).message).toBe(
      `customTimeouts.create: ${JSON.stringify(text)} is not a duration (use forms like "90s", "5m", "1h30m")`,
    );
  });
});
