import crypto from "node:crypto";
import { promisify } from "node:util";
import { idPrefix, type IdKind } from "../../shared/ids.ts";

const scrypt = promisify(crypto.scrypt) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: crypto.ScryptOptions,
) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** Random bytes drawn in blocks: one call per id costs more than the rest of an insert. */
const pool = { bytes: Buffer.alloc(0), at: 0 };
function randomBytes(n: number): Buffer {
  if (pool.at + n > pool.bytes.length) {
    pool.bytes = crypto.randomBytes(4096);
    pool.at = 0;
  }
  pool.at += n;
  return pool.bytes.subarray(pool.at - n, pool.at);
}

/** An opaque id with its kind's prefix: 16 random base64url characters (96 bits). */
export function newId(kind: IdKind): string {
  return idPrefix[kind] + randomBytes(12).toString("base64url");
}

/** A secret to hand out once: prefix + 32 random base64url characters (192 bits). */
export function newSecret(prefix: string): string {
  return prefix + crypto.randomBytes(24).toString("base64url");
}

/** Tokens are long random strings: a fast hash is enough to store them safely. */
export function hashToken(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

/** Passwords are low-entropy: a slow, salted hash. Format: scrypt$N$r$p$salt$hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password.normalize("NFKC"), salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(password.normalize("NFKC"), Buffer.from(salt, "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return crypto.timingSafeEqual(actual, expected);
}

export function hmacHex(secret: string, data: string): string {
  return crypto.createHmac("sha256", secret).update(data).digest("hex");
}

/** Constant-time comparison of two hex strings of any length. */
export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
