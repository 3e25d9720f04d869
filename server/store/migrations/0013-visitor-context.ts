import { type Kysely, type Migration } from "kysely";

/**
 * The visitor's context (CONTRACT §8): the current context per visitor (JSON VisitorContext,
 * null until the widget first reports a page), a copy on each widget conversation kept current
 * while the visitor browses, and the site's rule for query strings in page URLs.
 */
export const visitorContext: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("visitors").addColumn("context", "text").execute();
    await db.schema.alterTable("conversations").addColumn("visitor_context", "text").execute();
    await db.schema
      .alterTable("sites")
      .addColumn("visitor_context", "text", (c) => c.notNull().defaultTo('{"queryStrings":false}'))
      .execute();
  },
};
