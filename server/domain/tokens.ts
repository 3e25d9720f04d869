import type { Token, TokenInput } from "../../shared/schemas/index.ts";
import { secretPrefix } from "../../shared/ids.ts";
import { write, type Ctx, type Principal } from "./context.ts";
import { authorize, siteScopeOf } from "./permissions.ts";
import { hashToken, newId, newSecret } from "./secrets.ts";
import { notFound } from "./errors.ts";
import { tokenView } from "./views.ts";
import { siteRow } from "./sites.ts";
import type { TokenRow } from "../store/tables.ts";
import { BatchedLookup, perOwner } from "../store/batched-lookup.ts";
import { prepared } from "../store/prepared.ts";

export async function createToken(
  ctx: Ctx,
  p: Principal,
  input: TokenInput,
  pinnedSecret?: string,
): Promise<Token & { secret: string }> {
  // A site-scoped token mints tokens of its own site only: another site's is 404, as if unknown.
  const siteId = input.siteId ?? siteScopeOf(p);
  authorize(p, "token.write", { siteId }, "Site");
  if (siteId === null) authorize(p, "token.admin.write");
  if (siteId) await siteRow(ctx, p, siteId, "token.write");
  const secret = pinnedSecret ?? newSecret(secretPrefix);
  const row: TokenRow = {
    id: newId("token"),
    name: input.name,
    site_id: siteId,
    token_hash: hashToken(secret),
    created_at: ctx.now(),
    last_used_at: null,
  };
  await write(ctx, (trx) => trx.insertInto("api_tokens").values(row).execute());
  return { ...tokenView(row), secret };
}

export async function listTokens(ctx: Ctx, p: Principal): Promise<Token[]> {
  authorize(p, "token.read");
  const scope = siteScopeOf(p);
  let q = ctx.db.selectFrom("api_tokens").selectAll().orderBy("created_at");
  if (scope) q = q.where("site_id", "=", scope);
  return (await q.execute()).map(tokenView);
}

export async function deleteToken(ctx: Ctx, p: Principal, id: string): Promise<void> {
  authorize(p, "token.write");
  const row = await ctx.db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Token");
  authorize(p, "token.write", { siteId: row.site_id }, "Token");
  await write(ctx, (trx) => trx.deleteFrom("api_tokens").where("id", "=", id).execute());
}

/** The principal behind a bearer secret, or null. Records when the token was last used (at most once a minute). */
const tokensByHash = prepared<{ hashes: string[] }, TokenRow>((db, b) =>
  db
    .selectFrom("api_tokens")
    .selectAll()
    .where(b.oneOf("token_hash", "hashes", "text")),
);

/** Tokens by hash: the requests that arrive together (often with one token) read theirs in one query. */
const tokenLookup = perOwner(
  (ctx: Ctx) =>
    new BatchedLookup<string, TokenRow>(async (hashes) => {
      const rows = await tokensByHash.execute(ctx.db, { hashes });
      return new Map(rows.map((r) => [r.token_hash, r]));
    }),
);

export async function authenticateToken(ctx: Ctx, secret: string): Promise<Principal | null> {
  if (!secret.startsWith(secretPrefix) || secret.length > 200) return null;
  const row = await tokenLookup(ctx).load(hashToken(secret));
  if (!row) return null;
  const now = ctx.now();
  if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) {
    await ctx.db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", row.id).execute();
  }
  return { kind: "token", tokenId: row.id, siteId: row.site_id, name: row.name };
}

/** PARLEY_API_TOKEN: an admin token with exactly this value exists after start. */
export async function ensurePinnedToken(ctx: Ctx, secret: string): Promise<void> {
  const hash = hashToken(secret);
  const found = await ctx.db.selectFrom("api_tokens").select("id").where("token_hash", "=", hash).executeTakeFirst();
  if (!found) await createToken(ctx, { kind: "system" }, { name: "PARLEY_API_TOKEN" }, secret);
}

export async function tokenCount(ctx: Ctx): Promise<number> {
  const r = await ctx.db
    .selectFrom("api_tokens")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
