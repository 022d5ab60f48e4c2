// The lab's release mirror: serves a directory read-only over HTTPS on loopback (GET and HEAD,
// regular files only, no listings, no names outside the root). Started and stopped by the lab
// scripts like its other daemons.
// Usage: node serve.mjs <root> <host> <port> <cert> <key>
import { createReadStream, readFileSync, realpathSync, statSync } from "node:fs";
import { createServer } from "node:https";
import { join, sep } from "node:path";

const [root, host, port, cert, key] = process.argv.slice(2);
if (!key) throw new Error("usage: serve.mjs <root> <host> <port> <cert> <key>");
const base = realpathSync(root);

const server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  const fail = (code) => { res.writeHead(code, { "content-type": "text/plain" }).end(`${code}\n`); };
  if (req.method !== "GET" && req.method !== "HEAD") return fail(405);
  let path;
  try {
    const name = decodeURIComponent(new URL(req.url ?? "/", "https://mirror").pathname);
    if (name.split("/").some((s) => s === ".." || s.startsWith(".")) || name.includes("\0")) return fail(404);
    path = realpathSync(join(base, name));
  } catch {
    return fail(404);
  }
  if (!path.startsWith(base + sep)) return fail(404);
  const st = statSync(path);
  if (!st.isFile()) return fail(404);
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": st.size });
  if (req.method === "HEAD") return res.end();
  createReadStream(path).pipe(res);
});
server.listen(Number(port), host, () => console.log(`mirror: serving ${base} on https://${host}:${port}`));
for (const s of ["SIGTERM", "SIGINT"]) {
  process.on(s, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
