/** Every schema field is an output property, given by the program or not, so a defaulted one can be read. */
import { afterEach, describe, expect, it } from "vitest";
import { Output, local, lxd, pki } from "../../../sdk/index.js";
import { setRuntime } from "../../../sdk/internal.js";
import { installFakeRuntime } from "./fake-runtime.js";

const remote = {
  connection: { host: "127.0.0.1", port: 2222, user: "lab", privateKeyPath: "/k", hostKeys: ["SHA256:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U"] },
  socket: "/var/lib/lxd/unix.socket",
};

describe("resource outputs", () => {
  afterEach(() => setRuntime(undefined));

  it("a field the program left to its default is an Output holding what the provider stored", async () => {
    installFakeRuntime({ respond: (urn, req) => ({ urn, id: req.name, outputs: { ...req.props, reach: "jump", type: "container" } }) });
    const web = new lxd.Instance("web", { remote, image: "x" });
    expect((await web.reach.data).value).toBe("jump");
    expect((await web.type.data).value).toBe("container");
  });

  it("covers every field of each resource's schema", () => {
    installFakeRuntime();
    const made: [object, { shape: object }][] = [
      [new lxd.Instance("web", { remote, image: "x" }), lxd.InstanceArgsSchema],
      [new lxd.Profile("p", { remote }), lxd.ProfileArgsSchema],
      [new local.Command("c", { create: "true" }), local.CommandArgsSchema],
      [new pki.KeyPair("k"), pki.KeyPairArgsSchema],
    ];
    for (const [resource, schema] of made) {
      for (const key of Object.keys(schema.shape)) expect([key, Output.isInstance((resource as Record<string, unknown>)[key])]).toEqual([key, true]);
    }
  });
});
