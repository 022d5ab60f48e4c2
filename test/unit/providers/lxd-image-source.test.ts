import { describe, expect, it } from "vitest";
import { imageSource, missingReference } from "../../../installer/providers/lxd/check.js";
import type { LxdClient } from "../../../installer/providers/lxd/client.js";

/** An LXD API that knows these paths and nothing else. */
function server(...paths: string[]): Pick<LxdClient, "find"> & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async find<T>(p: string): Promise<T | undefined> {
      asked.push(p);
      return paths.includes(p) ? ({} as T) : undefined;
    },
  };
}

const HEX_ALIAS = "deadbeefcafe";
const FP = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0a1b2";

describe("an instance's image: alias or fingerprint", () => {
  it("an alias that exists wins, even when it looks like a fingerprint", async () => {
    expect(await imageSource(server(`/1.0/images/aliases/${HEX_ALIAS}`, `/1.0/images/${HEX_ALIAS}`), HEX_ALIAS)).toEqual({ alias: HEX_ALIAS });
    expect(await imageSource(server("/1.0/images/aliases/debian-12"), "debian-12")).toEqual({ alias: "debian-12" });
  });

  it("a hex name that is no alias is a fingerprint when such an image exists", async () => {
    expect(await imageSource(server(`/1.0/images/${FP}`), FP)).toEqual({ fingerprint: FP });
    expect(await imageSource(server(`/1.0/images/${FP.slice(0, 12)}`), FP.slice(0, 12))).toEqual({ fingerprint: FP.slice(0, 12) });
  });

  it("neither: nothing, and a non-hex name is never looked up as a fingerprint", async () => {
    const s = server();
    expect(await imageSource(s, "debian-12")).toBeUndefined();
    expect(s.asked).toEqual(["/1.0/images/aliases/debian-12"]);
    expect(await imageSource(server(), FP)).toBeUndefined();
  });

  it("the plan's reference check accepts a hex-looking alias and names a missing one", async () => {
    const s = server(`/1.0/images/aliases/${HEX_ALIAS}`) as unknown as LxdClient;
    expect(await missingReference(s, "lxd-test-m17", "image-alias", HEX_ALIAS)).toBeUndefined();
    expect(await missingReference(s, "lxd-test-m17", "image-alias", "abcdefabcdef"))
      .toBe('image "abcdefabcdef" does not exist on the LXD server (lxd-test-m17) and no resource of this program declares it');
  });
});
