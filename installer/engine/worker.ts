/** Worker entry: runs one pass, sent by message, with TypeScript loading and `drydock` resolution set up. */
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { parentPort } from "node:worker_threads";
import { register as registerTsx } from "tsx/esm/api";
import { currentRuntime } from "../../sdk/internal.js";
// Imported before the hooks are registered, so the engine's own modules load at full speed;
// only the program's modules go through the hooks.
import { requestCancel, runPass, type PassRequest } from "./pass.js";
import { callsSettled } from "./provider-call.js";

// A program's stray promise rejection is a program error, not a crash.
process.on("unhandledRejection", (e) => {
  if (e instanceof Error && e.name === "SkippedError") return;
  const rt = currentRuntime() as { programError?: (e: unknown) => void } | undefined;
  if (rt?.programError) rt.programError(e);
  else parentPort!.postMessage({ event: { type: "diag", severity: "error", message: String(e) } });
});

async function run(req: PassRequest): Promise<void> {
  registerTsx();
  register(new URL("./loader-hooks.js", import.meta.url), {
    data: {
      sdkUrl: new URL("../../sdk/index.js", import.meta.url).href,
      projectUrl: `${pathToFileURL(req.projectDir).href}/`,
    },
  });
  const result = await runPass(req, (event) => parentPort!.postMessage({ event }));
  // The parent ends this worker on the result: no provider may still be cleaning up then.
  await callsSettled();
  parentPort!.postMessage({ result });
}

let started = false;
parentPort!.on("message", (m: { cancel?: boolean; run?: PassRequest }) => {
  if (m.cancel) requestCancel();
  if (m.run && !started) {
    started = true;
    // A failure of the engine itself must end the worker (the parent reports it), not leave it waiting.
    run(m.run).catch((e: unknown) => setImmediate(() => {
      throw e;
    }));
  }
});
