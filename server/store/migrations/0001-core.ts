import type { Kysely, Migration } from "kysely";

/** Sites, tokens, agents, contacts, visitors, conversations, tags and messages. */
export const core: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("sites")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("site_key", "text", (c) => c.notNull().unique())
      .addColumn("allowed_origins", "text", (c) => c.notNull())
      .addColumn("theme", "text", (c) => c.notNull())
      .addColumn("greeting", "text")
      .addColumn("identity_secret", "text")
      .addColumn("is_default", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("api_tokens")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("site_id", "text", (c) => c.references("sites.id").onDelete("cascade"))
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_used_at", "text")
      .execute();

    await db.schema
      .createTable("agents")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("email", "text", (c) => c.notNull().unique())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("agent_sessions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("agent_id", "text", (c) => c.notNull().references("agents.id").onDelete("cascade"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("contacts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site_id", "text", (c) => c.notNull().references("sites.id").onDelete("cascade"))
      .addColumn("external_id", "text")
      .addColumn("name", "text")
      .addColumn("email", "text")
      .addColumn("phone", "text")
      .addColumn("metadata", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("contacts_site_external")
      .unique()
      .on("contacts")
      .columns(["site_id", "external_id"])
      .execute();
    await db.schema.createIndex("contacts_site_email").on("contacts").columns(["site_id", "email"]).execute();
    await db.schema.createIndex("contacts_site_phone").on("contacts").columns(["site_id", "phone"]).execute();

    await db.schema
      .createTable("visitors")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site_id", "text", (c) => c.notNull().references("sites.id").onDelete("cascade"))
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("contact_id", "text", (c) => c.references("contacts.id").onDelete("set null"))
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_seen_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("conversations")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("site_id", "text", (c) => c.notNull().references("sites.id").onDelete("cascade"))
      .addColumn("contact_id", "text", (c) => c.references("contacts.id").onDelete("cascade"))
      .addColumn("visitor_id", "text", (c) => c.references("visitors.id").onDelete("set null"))
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("priority", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("topic", "text")
      .addColumn("summary", "text")
      .addColumn("queue", "text")
      .addColumn("assignee", "text")
      .addColumn("metadata", "text", (c) => c.notNull())
      .addColumn("unique_id", "text")
      .addColumn("last_seq", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("read_contact", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("read_agent", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_message_id", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("first_response_at", "text")
      .addColumn("closed_at", "text")
      .execute();
    await db.schema
      .createIndex("conversations_site_unique")
      .unique()
      .on("conversations")
      .columns(["site_id", "unique_id"])
      .execute();
    await db.schema
      .createIndex("conversations_site_updated")
      .on("conversations")
      .columns(["site_id", "updated_at", "id"])
      .execute();
    await db.schema.createIndex("conversations_updated").on("conversations").columns(["updated_at", "id"]).execute();
    await db.schema.createIndex("conversations_contact").on("conversations").columns(["contact_id"]).execute();
    await db.schema
      .createIndex("conversations_visitor")
      .on("conversations")
      .columns(["visitor_id", "updated_at"])
      .execute();

    await db.schema
      .createTable("conversation_tags")
      .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
      .addColumn("tag", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("conversation_tags_pk", ["conversation_id", "tag"])
      .execute();
    await db.schema
      .createIndex("conversation_tags_tag")
      .on("conversation_tags")
      .columns(["tag", "conversation_id"])
      .execute();

    await db.schema
      .createTable("messages")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("sender_type", "text", (c) => c.notNull())
      .addColumn("sender_id", "text")
      .addColumn("sender_name", "text")
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("content", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("idempotency_key", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("messages_conversation_seq")
      .unique()
      .on("messages")
      .columns(["conversation_id", "seq"])
      .execute();
    await db.schema
      .createIndex("messages_conversation_key")
      .unique()
      .on("messages")
      .columns(["conversation_id", "idempotency_key"])
      .execute();
  },
};
