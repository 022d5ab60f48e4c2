/** `up` plans and applies; a warning from reconciling pending work is printed once, not by both passes. */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { freshProjects } from "./cli.js";

describe("warnings", () => {
  const projects = freshProjects();

  it("a reconcile warning prints once per up", async () => {
    const p = await projects.project(`import { local } from "drydock";\nnew local.Command("c", { create: "true" });\n`);
    // what an interrupted create of a resource without read leaves in state
    const st = p.state();
    st.pending.push({ op: "create", urn: "urn:drydock:dev::proj::drydock:local:Command::c", type: "drydock:local:Command", inputs: { create: "true" } });
    writeFileSync(p.statePath(), JSON.stringify({ version: 1, project: "proj", stack: "dev", ...st }));
    const r = await p.ok("up", "--yes");
    const warnings = r.stdout.split("\n").filter((l) => l.includes("an interrupted create may have left a real drydock:local:Command behind"));
    expect(warnings).toHaveLength(1);
    expect(r.stdout).toContain("+ 1 created");
  });
});
