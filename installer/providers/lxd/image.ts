/**
 * lxd.Image: a reference to an image on the server (by alias), or an import
 * of local metadata + rootfs tarballs (multipart upload to /1.0/images).
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { claim } from "./claims.js";
import { checkWith, clientFor, lxd, serverOf, type LxdConnector, type ResourceProvider } from "./deps.js";
import { isKnownEndpoint } from "./check.js";
import type { LxdClient } from "./client.js";

type Inputs = lxd.ImageInputs;
interface Outputs extends Inputs {
  readonly fingerprint: string;
}

const imported = (i: Inputs): boolean => Boolean(i.metadataFile && i.rootfsFile);

async function multipart(i: Inputs): Promise<{ body: Buffer; type: string }> {
  const boundary = `drydock-${randomBytes(12).toString("hex")}`;
  const part = (name: string, file: string, data: Buffer): Buffer => Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${basename(file)}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    data, Buffer.from("\r\n"),
  ]);
  const [meta, rootfs] = await Promise.all([readFile(i.metadataFile!), readFile(i.rootfsFile!)]);
  return {
    body: Buffer.concat([part("metadata", i.metadataFile!, meta), part("rootfs", i.rootfsFile!, rootfs), Buffer.from(`--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
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
    async diff(_id, olds, news, oldInputs) {
      const changes = JSON.stringify(news) !== JSON.stringify(oldInputs);
      return { changes, replaces: changes ? ["image"] : [], stables: changes ? [] : ["fingerprint"], ...(olds ? {} : {}) };
    },
    async create(i, ctx) {
      const c = clientFor(connect, i.remote, (m) => ctx.log(m));
      if (!imported(i)) {
        const fingerprint = await aliasTarget(c, i.alias!);
        if (!fingerprint) throw new Error(`image alias "${i.alias}" does not exist on ${c.name}`);
        return { id: fingerprint, outs: { ...i, fingerprint } };
      }
      const { body, type } = await multipart(i);
      ctx.log(`uploading image ${basename(i.rootfsFile!)} (${Math.round(body.length / 1048576)} MiB)`);
      const meta = await c.request<{ fingerprint: string }>("POST", "/1.0/images", undefined, { raw: body, headers: { "content-type": type }, waitSeconds: 600 });
      const fingerprint = meta.fingerprint;
      if (i.alias) {
        const old = await aliasTarget(c, i.alias);
        if (old && old !== fingerprint) await c.request("DELETE", `/1.0/images/aliases/${encodeURIComponent(i.alias)}`);
        if (old !== fingerprint) await c.request("POST", "/1.0/images/aliases", { name: i.alias, target: fingerprint });
      }
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
