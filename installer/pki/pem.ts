/** PEM text from DER, always the same way: 64-column base64, LF line ends, a final newline. */

export function pem(label: string, der: ArrayBuffer | Uint8Array): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The DER inside the first PEM block with this label. */
export function der(label: string, text: string): Buffer {
  const m = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(text);
  if (!m) throw new Error(`no ${label} PEM block found`);
  return Buffer.from(m[1]!.replace(/\s+/g, ""), "base64");
}
