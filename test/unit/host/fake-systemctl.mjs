#!/usr/bin/env node
// systemctl for unit tests: units are files in $FAKE_UNIT_DIR; what runs is kept in $FAKE_SYSTEMD/state.json.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";

const dir = process.env.FAKE_SYSTEMD;
const file = join(dir, "state.json");
const state = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
const args = process.argv.slice(2);
appendFileSync(join(dir, "log"), `${args.join(" ")}\n`);
const props = [];
const words = [];
for (let k = 0; k < args.length; k++) {
  if (args[k] === "-p") props.push(args[++k]);
  else if (!args[k].startsWith("-")) words.push(args[k]);
}
const [verb, unit] = words;
const u = (state[unit] ??= { enabled: false, active: false, invocation: "", since: "" });
const loaded = () => unit && existsSync(join(process.env.FAKE_UNIT_DIR, unit));
// What systemd has loaded of each unit file: a file changed since then needs a daemon-reload.
const sha = (name) => createHash("sha256").update(readFileSync(join(process.env.FAKE_UNIT_DIR, name))).digest("hex");
if (loaded() && u.loadedSha === undefined) u.loadedSha = sha(unit);
const start = () => { u.active = true; u.invocation = randomBytes(16).toString("hex"); u.since = new Date().toISOString(); };
switch (verb) {
  case "daemon-reload": for (const [name, x] of Object.entries(state)) if (existsSync(join(process.env.FAKE_UNIT_DIR, name))) x.loadedSha = sha(name); break;
  case "enable": if (!loaded()) { console.error(`Unit ${unit} not found.`); process.exit(1); } u.enabled = true; break;
  case "start": if (!loaded()) { console.error(`Unit ${unit} not found.`); process.exit(5); } if (!u.active) start(); break;
  case "restart":
    if (!loaded()) { console.error(`Unit ${unit} not found.`); process.exit(5); }
    // A unit whose stop hangs (a file "stuck-<unit>"): a queued restart leaves it deactivating, with its old invocation.
    if (args.includes("--no-block") && existsSync(join(dir, `stuck-${unit}`))) { u.deactivating = true; break; }
    start(); break;
  case "stop": u.active = false; break;
  case "disable": u.enabled = false; if (args.includes("--now")) u.active = false; break;
  case "reset-failed": break;
  case "show": {
    const v = {
      LoadState: loaded() ? "loaded" : "not-found", ActiveState: u.deactivating ? "deactivating" : u.active ? "active" : "inactive",
      UnitFileState: u.enabled ? "enabled" : "disabled", InvocationID: u.active ? u.invocation : "", ActiveEnterTimestamp: u.since,
      NeedDaemonReload: loaded() && u.loadedSha !== sha(unit) ? "yes" : "no",
    };
    for (const p of props) console.log(args.includes("--value") ? v[p] : `${p}=${v[p]}`);
    break;
  }
  default: console.error(`fake systemctl: ${verb}?`); process.exit(1);
}
writeFileSync(file, JSON.stringify(state));
