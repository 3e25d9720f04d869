import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/**
 * The tables, as kysely sees them. Timestamps are ISO 8601 UTC strings (sortable as text
 * in both SQLite and PostgreSQL); JSON columns are text holding JSON.
 */
export interface SitesTable {
  id: string;
  name: string;
  site_key: string;
  allowed_origins: string; // JSON string[]
  theme: string; // JSON Theme
  greeting: string | null;
  identity_secret: string | null;
  is_default: number;
  /** 1 while allowed_origins is what PARLEY_ALLOWED_ORIGINS set on the default site. */
  origins_from_env: number;
  /** JSON BusinessHours, null: always open. */
  business_hours: string | null;
  away_message: string | null;
  reply_time: string;
  assignment: string; // JSON Assignment
  created_at: string;
  updated_at: string;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  site_id: string | null;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
}

export interface AgentsTable {
  id: string;
  name: string;
  email: string;
  role: string;
  password_hash: string;
  /** 1, or 0 for a deactivated agent (cannot sign in). */
  active: number;
  /** 1 while the agent has set itself away. */
  away: number;
  queues: string; // JSON string[], empty: every queue
  created_at: string;
}

export interface AgentSessionsTable {
  id: string; // hash of the cookie value
  agent_id: string;
  created_at: string;
  expires_at: string;
}

export interface ContactsTable {
  id: string;
  site_id: string;
  external_id: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  metadata: string; // JSON object
  created_at: string;
  updated_at: string;
}

export interface VisitorsTable {
  id: string;
  site_id: string;
  token_hash: string;
  contact_id: string | null;
  created_at: string;
  last_seen_at: string;
}

export interface ConversationsTable {
  id: string;
  site_id: string;
  contact_id: string | null;
  visitor_id: string | null;
  status: string;
  priority: string;
  channel: string;
  topic: string | null;
  summary: string | null;
  queue: string | null;
  assignee: string | null;
  metadata: string; // JSON object
  unique_id: string | null;
  last_seq: number;
  read_contact: number;
  read_agent: number;
  last_message_id: string | null;
  created_at: string;
  updated_at: string;
  first_response_at: string | null;
  closed_at: string | null;
}

export interface ConversationTagsTable {
  conversation_id: string;
  tag: string;
  created_at: string;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_type: string;
  sender_id: string | null;
  sender_name: string | null;
  type: string;
  content: string; // JSON object
  state: string;
  idempotency_key: string | null;
  created_at: string;
}

export interface WebhooksTable {
  id: string;
  site_id: string | null; // null: every site
  url: string;
  events: string; // JSON WebhookEventType[]
  secret: string; // needed in clear to sign deliveries
  created_at: string;
}

export interface WebhookEventsTable {
  id: string;
  type: string;
  site_id: string;
  data: string; // JSON payload `data`
  created_at: string;
}

export interface WebhookDeliveriesTable {
  position: Generated<number>;
  id: string;
  webhook_id: string;
  event_id: string;
  ordering_key: string | null; // conversation or contact id: one in flight at a time per subscription
  state: string; // pending | delivered | failed
  attempts: number;
  next_attempt_at: string | null; // while leased: when the lease runs out
  lease_id: string | null;
  first_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

export interface FilesTable {
  id: string;
  site_id: string;
  contact_id: string | null;
  /** Who uploaded it: an agent, token or visitor id. */
  uploaded_by: string;
  key_hash: string;
  name: string;
  mime_type: string;
  size: number;
  data: Buffer;
  created_at: string;
}

export interface Database {
  sites: SitesTable;
  api_tokens: ApiTokensTable;
  agents: AgentsTable;
  agent_sessions: AgentSessionsTable;
  contacts: ContactsTable;
  visitors: VisitorsTable;
  conversations: ConversationsTable;
  conversation_tags: ConversationTagsTable;
  messages: MessagesTable;
  files: FilesTable;
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type SiteRow = Selectable<SitesTable>;
export type TokenRow = Selectable<ApiTokensTable>;
export type AgentRow = Selectable<AgentsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type VisitorRow = Selectable<VisitorsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type ConversationUpdate = Updateable<ConversationsTable>;
export type { Generated };
