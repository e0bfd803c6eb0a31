/** A syntactically valid SSH public key blob (base64) of the given type, with a made-up body. */
export function keyBlob(type: string, body = 'x'.repeat(32)): string {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const b = Buffer.from(body);
  const blen = Buffer.alloc(4);
  blen.writeUInt32BE(b.length);
  return Buffer.concat([len, t, blen, b]).toString('base64');
}
