/**
 * lxd.Image: a reference to an image on the server (by alias), or an import
 * of local metadata + rootfs tarballs (multipart upload to /1.0/images).
 */
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { claim } from "./claims.js";
import { checkWith, clientFor, lxd, propertyEquals, serverOf, type LxdConnector, type ResourceProvider } from "./deps.js";
import { isKnownEndpoint, movedServer } from "./check.js";
import type { LxdClient } from "./client.js";

type Inputs = lxd.ImageInputs;
interface Outputs extends Inputs {
  readonly fingerprint: string;
}

const imported = (i: Inputs): boolean => Boolean(i.metadataFile && i.rootfsFile);

/** The upload body, and the fingerprint LXD gives a split image: sha256 of the metadata tarball then the rootfs. */
async function multipart(i: Inputs): Promise<{ body: Buffer; type: string; fingerprint: string }> {
  const boundary = `drydock-${randomBytes(12).toString("hex")}`;
  const part = (name: string, file: string, data: Buffer): Buffer => Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${basename(file)}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    data, Buffer.from("\r\n"),
  ]);
  const [meta, rootfs] = await Promise.all([readFile(i.metadataFile!), readFile(i.rootfsFile!)]);
  return {
    body: Buffer.concat([part("metadata", i.metadataFile!, meta), part("rootfs", i.rootfsFile!, rootfs), Buffer.from(`--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
    fingerprint: createHash("sha256").update(meta).update(rootfs).digest("hex"),
  };
}

async function aliasTarget(c: LxdClient, alias: string): Promise<string | undefined> {
  return (await c.find<{ target: string }>(`/1.0/images/aliases/${encodeURIComponent(alias)}`))?.target;
}

export function imageProvider(connect: LxdConnector): ResourceProvider<Inputs, Outputs> {
  return {
    async check(_olds, news, ctx) {
      const r = checkWith(lxd.ImageArgsSchema, news);
      const i = r.inputs;
      if (i && ctx && imported(i) && typeof i.alias === "string" && isKnownEndpoint(i.remote)) {
        const other = claim(serverOf(i.remote), "image-alias", i.alias, ctx.urn);
        if (other) return { failures: [{ property: "alias", reason: `image alias "${i.alias}" is already declared by ${other}` }] };
      }
      return r;
    },
    async diff(_id, _olds, news, oldInputs) {
      // Other files, another alias or another server is another image; new credentials for the same server are not.
      const replaces = (["alias", "metadataFile", "rootfsFile"] as const).filter((k) => news[k] !== oldInputs[k]) as string[];
      if (movedServer(news.remote, oldInputs.remote)) replaces.push("remote");
      const changes = replaces.length > 0 || !propertyEquals(news, oldInputs);
      // The same files give the same fingerprint, which LXD refuses twice: the old one goes first.
      return { changes, replaces, stables: replaces.length ? [] : ["fingerprint"], deleteBeforeReplace: true };
    },
    async update(_id, olds, news) {
      return { outs: { ...news, fingerprint: olds.fingerprint } };
    },
    async create(i, ctx) {
      const c = clientFor(connect, i.remote, (m) => ctx.log(m));
      if (!imported(i)) {
        const fingerprint = await aliasTarget(c, i.alias!);
        if (!fingerprint) throw new Error(`image alias "${i.alias}" does not exist on ${c.name}`);
        return { id: fingerprint, outs: { ...i, fingerprint } };
      }
      const { body, type, fingerprint } = await multipart(i);
      const taken = i.alias ? await aliasTarget(c, i.alias) : undefined;
      if (taken && taken !== fingerprint) {
        throw new Error(`image alias "${i.alias}" already names image ${taken.slice(0, 12)} on ${c.name}; drydock does not take over an alias it did not make`);
      }
      if (await c.find(`/1.0/images/${fingerprint}`)) {
        ctx.log(`image ${fingerprint.slice(0, 12)} is already on the server`);
      } else {
        ctx.log(`uploading image ${basename(i.rootfsFile!)} (${Math.round(body.length / 1048576)} MiB)`);
        const meta = await c.request<{ fingerprint: string }>("POST", "/1.0/images", undefined, { raw: body, headers: { "content-type": type }, waitSeconds: 600, timeoutMs: 900_000 });
        if (meta.fingerprint !== fingerprint) throw new Error(`LXD computed fingerprint ${meta.fingerprint}, expected ${fingerprint}`);
      }
      if (i.alias && !taken) await c.request("POST", "/1.0/images/aliases", { name: i.alias, target: fingerprint });
      return { id: fingerprint, outs: { ...i, fingerprint } };
    },
    async read(id, props, i) {
      const c = clientFor(connect, i.remote);
      if (!imported(i)) {
        const fingerprint = await aliasTarget(c, i.alias!);
        return fingerprint ? { id: fingerprint, props: { ...props, fingerprint }, inputs: i } : undefined;
      }
      return (await c.find(`/1.0/images/${id}`)) ? { id, props, inputs: i } : undefined;
    },
    async delete(id, p) {
      if (!imported(p)) return;
      const c = clientFor(connect, p.remote);
      if (await c.find(`/1.0/images/${id}`)) await c.request("DELETE", `/1.0/images/${id}`);
    },
  };
}
