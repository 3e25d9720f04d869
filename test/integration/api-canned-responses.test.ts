import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { agentWithRole, callerWith, type Caller } from "../helpers/agents.ts";

/** Saved replies (CONTRACT §7): scopes, personal privacy, roles, duplicates, sites and bad input. */
describe.each(databases())("saved replies on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    let siteA: string;
    let siteB: string;
    let tokenB: Caller;
    let admin: Awaited<ReturnType<typeof agentWithRole>>;
    let ana: Awaited<ReturnType<typeof agentWithRole>>;
    let ben: Awaited<ReturnType<typeof agentWithRole>>;
    const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((x) => x.id);

    beforeAll(async () => {
      s = await startTestServer({ db: name });
      siteA = (await s.api("GET", "/v1/sites")).body.items[0].id;
      siteB = (await s.api("POST", "/v1/sites", { name: "Shop B" })).body.id;
      const secret = (await s.api("POST", "/v1/tokens", { name: "B", siteId: siteB })).body.secret;
      tokenB = callerWith(s, { authorization: `Bearer ${secret}` });
      admin = await agentWithRole(s, "admin");
      ana = await agentWithRole(s, "agent");
      ben = await agentWithRole(s, "agent");
    });
    afterAll(async () => {
      await s?.close();
    });

    it("an admin saves a team reply every agent reads; an agent may not write team ones (403)", async () => {
      const created = await admin.call("POST", "/v1/canned-responses", {
        shortcut: "refund",
        title: "Refund policy",
        message: { text: "Hi {{contact.name | there}}, refunds take 5 days. — {{agent.name}}" },
        scope: "team",
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: expect.stringMatching(/^cr_/),
        shortcut: "refund",
        scope: "team",
        siteId: null,
        createdBy: admin.id,
        message: {
          type: "text",
          content: { text: "Hi {{contact.name | there}}, refunds take 5 days. — {{agent.name}}" },
        },
      });
      expect(ids(await ana.call("GET", "/v1/canned-responses"))).toContain(created.body.id);
      expect((await ana.call("GET", `/v1/canned-responses/${created.body.id}`)).body.title).toBe("Refund policy");

      const denied = await ana.call("POST", "/v1/canned-responses", {
        shortcut: "mine-team",
        title: "x",
        message: { text: "x" },
        scope: "team",
      });
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe("forbidden");
      expect((await ana.call("PATCH", `/v1/canned-responses/${created.body.id}`, { title: "Hacked" })).status).toBe(
        403,
      );
      expect((await ana.call("DELETE", `/v1/canned-responses/${created.body.id}`)).status).toBe(403);
      expect((await s.api("GET", `/v1/canned-responses/${created.body.id}`)).body.title).toBe("Refund policy");
    });

    it("a personal reply is seen and changed by its author only (404 to everyone else, managers too)", async () => {
      const mine = await ana.call("POST", "/v1/canned-responses", {
        shortcut: "hello",
        title: "My hello",
        message: { text: "Hello {{contact.name}}!" },
      });
      expect(mine.status).toBe(201);
      expect(mine.body).toMatchObject({ scope: "personal", createdBy: ana.id });
      const path = `/v1/canned-responses/${mine.body.id}`;
      expect(ids(await ana.call("GET", "/v1/canned-responses"))).toContain(mine.body.id);
      for (const other of [ben.call, admin.call, s.api.bind(s)]) {
        expect(ids(await other("GET", "/v1/canned-responses"))).not.toContain(mine.body.id);
        expect((await other("GET", path)).status).toBe(404);
        expect((await other("PATCH", path, { title: "theirs" })).status).toBe(404);
        expect((await other("DELETE", path)).status).toBe(404);
      }
      // Ben may use the same shortcut for his own: unique per scope, and his scope is his.
      expect(
        (await ben.call("POST", "/v1/canned-responses", { shortcut: "hello", title: "Ben's", message: { text: "Hi" } }))
          .status,
      ).toBe(201);
      const edited = await ana.call("PATCH", path, {
        title: "Hello, edited",
        message: { text: "Hey {{contact.name}}" },
      });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        title: "Hello, edited",
        message: { content: { text: "Hey {{contact.name}}" } },
      });
      expect((await ana.call("DELETE", path)).status).toBe(204);
      expect((await ana.call("GET", path)).status).toBe(404);
    });

    it("a token has no personal replies (403) and its scope defaults to team", async () => {
      const personal = await s.api("POST", "/v1/canned-responses", {
        shortcut: "tok",
        title: "t",
        message: { text: "t" },
        scope: "personal",
      });
      expect(personal.status).toBe(403);
      const teamReply = await s.api("POST", "/v1/canned-responses", {
        shortcut: "tok",
        title: "t",
        message: { text: "t" },
      });
      expect(teamReply.status).toBe(201);
      expect(teamReply.body).toMatchObject({ scope: "team", createdBy: null });
    });

    it("a shortcut taken in the same scope and site answers 409 conflict, and nothing changes", async () => {
      const body = { shortcut: "dup", title: "First", message: { text: "one" }, scope: "team", siteId: siteA };
      expect((await s.api("POST", "/v1/canned-responses", body)).status).toBe(201);
      const again = await s.api("POST", "/v1/canned-responses", { ...body, title: "Second" });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe("conflict");
      const dups = (await s.api("GET", "/v1/canned-responses")).body.items.filter(
        (x: { shortcut: string }) => x.shortcut === "dup",
      );
      expect(dups.map((x: { title: string }) => x.title)).toEqual(["First"]);
      // Another site, or every site, is another scope; renaming onto a taken shortcut is a conflict too.
      expect((await s.api("POST", "/v1/canned-responses", { ...body, siteId: siteB })).status).toBe(201);
      const other = await s.api("POST", "/v1/canned-responses", { ...body, shortcut: "dup2" });
      expect((await s.api("PATCH", `/v1/canned-responses/${other.body.id}`, { shortcut: "dup" })).status).toBe(409);
      // Personal: the same author twice.
      await ana.call("POST", "/v1/canned-responses", { shortcut: "p-dup", title: "a", message: { text: "a" } });
      const twice = await ana.call("POST", "/v1/canned-responses", {
        shortcut: "p-dup",
        title: "b",
        message: { text: "b" },
      });
      expect(twice.status).toBe(409);
    });

    it("a site token sees and writes its own site's replies only: 404 across sites", async () => {
      const ofA = await s.api("POST", "/v1/canned-responses", {
        shortcut: "site-a",
        title: "A only",
        message: { text: "a" },
        siteId: siteA,
      });
      const ofB = await tokenB("POST", "/v1/canned-responses", {
        shortcut: "site-b",
        title: "B",
        message: { text: "b" },
      });
      expect(ofB.status).toBe(201);
      expect(ofB.body.siteId).toBe(siteB);
      const listed = ids(await tokenB("GET", "/v1/canned-responses"));
      expect(listed).toContain(ofB.body.id);
      expect(listed).not.toContain(ofA.body.id);
      expect((await tokenB("GET", `/v1/canned-responses/${ofA.body.id}`)).status).toBe(404);
      expect((await tokenB("PATCH", `/v1/canned-responses/${ofA.body.id}`, { title: "x" })).status).toBe(404);
      expect((await tokenB("DELETE", `/v1/canned-responses/${ofA.body.id}`)).status).toBe(404);
      const intoA = await tokenB("POST", "/v1/canned-responses", {
        shortcut: "sneak",
        title: "x",
        message: { text: "x" },
        siteId: siteA,
      });
      expect(intoA.status).toBe(404);
      expect(
        (
          await tokenB("POST", "/v1/canned-responses", {
            shortcut: "all",
            title: "x",
            message: { text: "x" },
            siteId: null,
          })
        ).status,
      ).toBe(404);
      // ?siteId keeps what a site's conversations may use: its own and every site's.
      const forA = ids(await admin.call("GET", `/v1/canned-responses?siteId=${siteA}`));
      expect(forA).toContain(ofA.body.id);
      expect(forA).not.toContain(ofB.body.id);
    });

    it("refuses bad input with the envelope and stores nothing", async () => {
      const before = (await s.api("GET", "/v1/canned-responses")).body.items.length;
      const bad = async (body: unknown, path: string) => {
        const res = await s.api("POST", "/v1/canned-responses", body);
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe("validation_failed");
        expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
      };
      const ok = { shortcut: "fine", title: "Fine", message: { text: "fine" } };
      await bad({ ...ok, shortcut: "has spaces" }, "shortcut");
      await bad({ ...ok, shortcut: "" }, "shortcut");
      await bad({ ...ok, shortcut: "x".repeat(33) }, "shortcut");
      await bad({ ...ok, shortcut: "Upper" }, "shortcut");
      await bad({ ...ok, title: " " }, "title");
      await bad({ ...ok, message: { type: "image", content: { url: "not a url" } } }, "message.content.url");
      await bad({ ...ok, message: { text: "Order {{order.id}}" } }, "message");
      await bad({ ...ok, scope: "everyone" }, "scope");
      await bad({ ...ok, colour: "red" }, "colour");
      const first = await s.api("POST", "/v1/canned-responses", ok);
      const patched = await s.api("PATCH", `/v1/canned-responses/${first.body.id}`, { shortcut: "a b" });
      expect(patched.status).toBe(422);
      expect((await s.api("GET", "/v1/canned-responses")).body.items.length).toBe(before + 1);
      expect((await s.api("GET", "/v1/canned-responses/cr_nothing")).status).toBe(404);
      expect((await s.api("POST", "/v1/canned-responses", { ...ok, siteId: "site_nothing" })).status).toBe(404);
    });

    it("keeps any §3 message type, e.g. quick replies with placeholders in their titles", async () => {
      const res = await s.api("POST", "/v1/canned-responses", {
        shortcut: "choose",
        title: "Choose",
        message: {
          type: "quick_replies",
          content: {
            text: "What next, {{contact.name | friend}}?",
            options: [{ title: "Talk to {{agent.name}}", payload: "talk" }],
          },
        },
      });
      expect(res.status).toBe(201);
      expect(res.body.message.type).toBe("quick_replies");
      expect(res.body.message.content.options[0].title).toBe("Talk to {{agent.name}}");
    });
  });
});
