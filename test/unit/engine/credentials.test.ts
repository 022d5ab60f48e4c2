import { afterEach, describe, expect, it } from "vitest";
import { serializeProps } from "../../../installer/engine/inputs.js";
import { markSecretOutputs, rewrapLike } from "../../../installer/engine/outputs.js";
import { CustomResource, output, secret, type Output } from "../../../sdk/index.js";
import { Secret, isSecret, setRuntime, type PropertyValue } from "../../../sdk/internal.js";
import { installFakeRuntime } from "../sdk/fake-runtime.js";

afterEach(() => setRuntime(undefined));

const hop = { host: "10.0.0.1", port: 22, user: "jumper", password: "jump-password-1", hostKeys: ["SHA256:x"] };
const conn = {
  host: "127.0.0.1", port: 2299, user: "root", privateKey: "-----BEGIN KEY-----\nAAAA\n-----END KEY-----",
  passphrase: "key-passphrase-1", hostKeys: ["SHA256:x"], sudo: { password: "sudo-pw-hunter2" }, jump: hop,
};

/** The value at a dotted path of a property tree. */
function at(v: PropertyValue | undefined, path: string): PropertyValue | undefined {
  for (const k of path.split(".")) v = (v as Record<string, PropertyValue>)[k];
  return v;
}

describe("credentials are secret whatever form the program uses", () => {
  it("a literal Connection keeps host, user and port plain and every credential leaf secret, at any depth", async () => {
    const { props } = await serializeProps({
      connection: conn,
      login: output({ user: "ubuntu", privateKey: "login-private-key" }),
      members: [{ name: "a", connection: { ...conn, password: "member-password" } }],
    }, "t");
    for (const p of ["connection.privateKey", "connection.passphrase", "connection.sudo.password", "connection.jump.password", "login.privateKey"]) {
      expect(isSecret(at(props, p)), p).toBe(true);
    }
    expect(isSecret(((props.members as PropertyValue[])[0] as Record<string, Record<string, PropertyValue>>).connection!.password)).toBe(true);
    expect(at(props, "connection.host")).toBe("127.0.0.1");
    expect(at(props, "connection.user")).toBe("root");
    expect(at(props, "connection.port")).toBe(2299);
    expect(at(props, "connection.jump.user")).toBe("jumper");
  });

  it("what a provider returns (check's inputs, outputs) gets the same rule", () => {
    const back = rewrapLike({ connection: { host: "h", password: "returned-password" } }, { connection: { host: "h" } });
    expect(isSecret(at(back, "connection.password"))).toBe(true);
    const outs = markSecretOutputs({ target: { user: "u", privateKey: "computed-key-text" } }, {});
    expect(isSecret(at(outs, "target.privateKey"))).toBe(true);
    expect(at(outs, "target.user")).toBe("u");
  });
});

describe("an Output read from a resource keeps its secrets per leaf", () => {
  function instance(): CustomResource & { connection: Output<unknown> } {
    installFakeRuntime({
      respond: (urn) => ({
        urn, id: "i",
        outputs: { connection: { host: "10.0.0.5", port: 22, user: "root", privateKey: new Secret("instance-private-key") } },
      }),
    });
    return new CustomResource("drydock:lxd:Instance", "i", {}, {}, ["connection"]) as CustomResource & { connection: Output<unknown> };
  }

  it("passed on directly, host, user and port stay readable and only the key is secret", async () => {
    const i = instance();
    const { props, deps } = await serializeProps({ connection: i.connection }, "t");
    expect(isSecret(props.connection)).toBe(false);
    expect(at(props, "connection.host")).toBe("10.0.0.5");
    expect(at(props, "connection.user")).toBe("root");
    expect(isSecret(at(props, "connection.privateKey"))).toBe(true);
    expect(deps.has(i)).toBe(true);
  });

  it("transformed by apply, or marked with secret(), it is conservatively secret as a whole", async () => {
    const i = instance();
    const { props } = await serializeProps({
      applied: i.connection.apply((c) => c),
      marked: secret(i.connection),
    }, "t");
    expect(isSecret(props.applied)).toBe(true);
    expect(isSecret(props.marked)).toBe(true);
  });
});
