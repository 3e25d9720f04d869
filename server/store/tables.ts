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
  visitor_context: string; // JSON VisitorContextRules
  /** Closed conversations older than this many days are deleted; null: kept (domain/retention.ts). */
  retention_days: number | null;
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
  /** 1: the agent opted in to emails while offline (docs/email.md). */
  email_notifications: number;
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
  /** JSON VisitorContext: where the visitor is now, null until the widget reports a page. */
  context: string | null;
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
  /** JSON VisitorContext of a widget conversation, kept current while the visitor browses. */
  visitor_context: string | null;
  /**
   * The rating of the latest solve or close (CONTRACT §10), null until the visitor rates it;
   * every rating stays in `ratings`.
   */
  rating_score: number | null;
  rating_comment: string | null;
  rated_at: string | null;
}

/** Every rating a visitor gave, with the conversation's assignee at that moment (for reports). */
export interface RatingsTable {
  id: string;
  conversation_id: string;
  site_id: string;
  assignee: string | null;
  score: number;
  comment: string | null;
  created_at: string;
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

/** The durable event log (docs/events.md): one row per durable domain event, in commit order. */
export interface EventsTable {
  position: Generated<number>;
  id: string;
  type: string;
  site_id: string;
  subject: string | null; // the conversation or contact the event is about
  data: string; // JSON: the event's `data`, as webhooks carry it
  created_at: string;
}

/** Each log consumer's position and lease. */
export interface EventConsumersTable {
  name: string;
  position: number;
  lease_id: string | null;
  lease_until: string | null;
  updated_at: string;
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

export interface CannedResponsesTable {
  id: string;
  scope: string; // team | personal
  owner_key: string; // "team" or the author's agent id
  site_id: string | null; // null: every site
  site_key: string; // site_id or "": one unique index for "a shortcut once per scope"
  shortcut: string;
  title: string;
  message: string; // JSON { type, content }
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** Private notes (CONTRACT §7): never part of the message history, they take no seq. */
export interface NotesTable {
  id: string;
  conversation_id: string;
  author_type: string; // agent | token
  author_id: string;
  author_name: string | null;
  text: string;
  mentions: string; // JSON string[] of agent ids, in the order given
  after_seq: number;
  created_at: string;
}

/** One row per agent a note mentions: the "Mentions" list filter reads it. */
export interface NoteMentionsTable {
  note_id: string;
  conversation_id: string;
  agent_id: string;
  created_at: string;
}

/** Conversations round-robin has yet to give an agent (CONTRACT §8), oldest `since` first. */
export interface WaitingConversationsTable {
  conversation_id: string;
  site_id: string;
  since: string;
}

/** When round-robin last gave each agent a conversation: its tie-break. */
export interface AgentAssignmentsTable {
  agent_id: string;
  last_assigned_at: string;
}

/** The full-text index's documents (store/search-index.ts). */
export interface SearchDocumentsTable {
  id: Generated<number>;
  site_id: string;
  conversation_id: string | null;
  source: string;
  source_id: string;
  seq: number | null;
  body: string;
  /** PostgreSQL only: the indexed words. */
  tsv?: unknown;
}

/** Email continuity (docs/email.md). */
export interface EmailThreadsTable {
  conversation_id: string;
  emailed_seq: number;
  due_at: string | null;
  updated_at: string;
}

export interface EmailOutboxTable {
  id: string;
  conversation_id: string;
  message_id: string;
  recipient: string;
  reply_to: string;
  subject: string;
  text: string;
  html: string;
  up_to_seq: number;
  /** unseen | transcript | notification */
  kind: string;
  status: string; // pending | sent | failed
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface EmailReplyTokensTable {
  token_hash: string;
  conversation_id: string;
  created_at: string;
}

/** Periodic jobs that one node at a time runs: who holds each and until when (store/leases.ts). */
export interface JobLeasesTable {
  name: string;
  holder: string | null;
  until: string | null;
}

/** Reports' projection of the event log (migration 0017, server/reports/projection.ts). */
export interface ReportConversationsTable {
  conversation_id: string;
  site_id: string;
  status: string;
  queue: string | null;
  assignee: string | null;
  created_at: string;
  first_contact_at: string | null;
  first_response_at: string | null;
  first_responder: string | null;
  resolved_at: string | null;
  rating_score: number | null;
  rated_at: string | null;
  rating_agent: string | null;
  /** Epoch milliseconds of created_at, resolved_at and rated_at (migration 0020). */
  created_ms: number;
  resolved_ms: number | null;
  rated_ms: number | null;
  /** Milliseconds from the first contact message to the first response; from creation to resolution. */
  response_ms: number | null;
  resolution_ms: number | null;
}

/** Each assignment, solve and close, with the assignee at that moment. */
export interface ReportChangesTable {
  id: Generated<number>;
  conversation_id: string;
  kind: string; // assigned | solved | closed
  agent_id: string | null;
  created_at: string;
  created_ms: number;
  /** The previous change of this kind to this conversation: its instant (null: none). */
  prev_ms: number | null;
  /** The previous change of this kind to this conversation with this agent: its instant. */
  prev_agent_ms: number | null;
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
  notes: NotesTable;
  note_mentions: NoteMentionsTable;
  files: FilesTable;
  webhooks: WebhooksTable;
  events: EventsTable;
  event_consumers: EventConsumersTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  canned_responses: CannedResponsesTable;
  search_documents: SearchDocumentsTable;
  waiting_conversations: WaitingConversationsTable;
  agent_assignments: AgentAssignmentsTable;
  ratings: RatingsTable;
  email_threads: EmailThreadsTable;
  email_outbox: EmailOutboxTable;
  email_reply_tokens: EmailReplyTokensTable;
  job_leases: JobLeasesTable;
  report_conversations: ReportConversationsTable;
  report_changes: ReportChangesTable;
}

export type SiteRow = Selectable<SitesTable>;
export type TokenRow = Selectable<ApiTokensTable>;
export type AgentRow = Selectable<AgentsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type VisitorRow = Selectable<VisitorsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NoteRow = Selectable<NotesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type ConversationUpdate = Updateable<ConversationsTable>;
export type { Generated };
