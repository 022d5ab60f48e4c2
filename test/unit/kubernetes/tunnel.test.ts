/** The cluster's `tunnel` output: the API through drydock's own SSH path, jump hosts included. */
import { describe, expect, it } from "vitest";
import { tunnelCommand } from "../../../sdk/kubernetes/tunnel.js";

describe("tunnelCommand", () => {
  it("forwards 6443 to the endpoint through the first control-plane host and its jump host, with their keys", () => {
    const jump = { host: "127.0.0.1", port: 2222, user: "drydock-lab", privateKeyPath: "/work/keys/lab key", hostKeys: [] };
    const c = { host: "10.216.0.12", port: 22, user: "root", privateKeyPath: "/work/keys/lab key", hostKeys: [], jump };
    expect(tunnelCommand(c, { address: "10.216.0.250", port: 6443 })).toBe(
      "ssh -N -L 6443:10.216.0.250:6443 -i '/work/keys/lab key' -o 'ProxyCommand=ssh -p 2222 -i '\\''/work/keys/lab key'\\'' -W %h:%p drydock-lab@127.0.0.1' root@10.216.0.12");
    expect(tunnelCommand({ host: "cp.example", port: 2200, user: "ops", hostKeys: [] }, { address: "10.0.0.5", port: 443 }, 16443))
      .toBe("ssh -N -L 16443:10.0.0.5:443 -p 2200 ops@cp.example");
  });
});
