// The stack config `node examples/run.mjs local-files` sets on first use.
export function stackConfig({ randomBytes }) {
  return [
    // A random API token, kept secret.
    { key: "apiToken", value: randomBytes(16).toString("hex"), secret: true },
    { key: "replicas", value: 3 },
  ];
}
