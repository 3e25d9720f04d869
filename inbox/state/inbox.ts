import { signal } from "@preact/signals";
import type { AgentEventHandlers } from "../../shared/protocol.ts";
import type { Agent, Conversation, Message, Note, Site } from "../../shared/schemas/index.ts";
import { messagePreview } from "../../widget/app/messages/index.ts";
import type { Api } from "../api/client.ts";
import type { Live } from "../api/live.ts";
import { contactRef, createConversationList } from "./conversation-list.ts";
import { createThread, type Thread } from "./thread.ts";
import type { Alert } from "./notifier.ts";
import { assignmentsOf, type Assignments } from "./routing.ts";

/**
 * A conversation's name in lists, titles and alerts. An anonymous visitor gets a short tag from
 * its contact (or conversation) id, so that two of them can be told apart in the list.
 */
export function conversationName(c: Pick<Conversation, "contact" | "topic" | "id">): string {
  return (
    c.contact?.name || c.contact?.email || c.contact?.phone || c.topic || `Visitor #${shortTag(c.contact?.id ?? c.id)}`
  );
}

function shortTag(id: string): string {
  return id
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(-4)
    .toUpperCase();
}

/** A live notification: someone mentioned the signed-in agent in a note. */
export interface MentionAlert {
  noteId: string;
  conversationId: string;
  who: string;
  where: string;
  text: string;
}

/**
 * The signed-in inbox: the list, the open conversation, the agents, and the live feed routed
 * to each of them by event kind.
 */
export function createInbox(api: Api, me: Agent, live: Live, alert: (a: Alert) => void = () => {}) {
  const list = createConversationList(api, () => me.id);
  const agents = signal<Agent[]>([me]);
  /** The signed-in agent as the relay last told it (its availability changes live). */
  const self = signal<Agent>(me);
  const thread = signal<Thread | null>(null);
  /** Each site's assignment rule: the list says why a round-robin conversation waits. */
  const assignments = signal<Assignments>({});

  function open(id: string | null): void {
    if (thread.value?.id === id) return;
    thread.value?.dispose();
    if (!id) {
      thread.value = null;
      return;
    }
    const t = createThread(api, id);
    thread.value = t;
    void t.load();
  }

  const current = (conversationId: string) => (thread.value?.id === conversationId ? thread.value : null);

  /** Mentions of the signed-in agent heard live, newest first: the inbox shows them until dismissed. */
  const mentions = signal<MentionAlert[]>([]);

  function mentioned(note: Note, conversation: Conversation): void {
    const who = note.author.name || "A teammate";
    mentions.value = [
      { noteId: note.id, conversationId: conversation.id, who, where: conversationName(conversation), text: note.text },
      ...mentions.value.filter((m) => m.noteId !== note.id),
    ].slice(0, 5);
    list.upsert(conversation, true);
    alert({ title: `${who} mentioned you`, body: note.text, conversationId: conversation.id });
  }

  function dismissMention(noteId: string): void {
    mentions.value = mentions.value.filter((m) => m.noteId !== noteId);
  }

  function heardMessage(message: Message, conversation: Conversation): void {
    if (message.sender.type !== "contact") return;
    alert({
      title: `New message from ${conversationName(conversation)}`,
      body: messagePreview(message),
      conversationId: conversation.id,
    });
  }

  // Every agent event has its entry (a missing one does not compile), even where there is nothing to do.
  const unsubscribe = live.on({
    "conversation.created": ({ conversation }) => {
      list.upsert(conversation);
      alert({ title: "New conversation", body: conversationName(conversation), conversationId: conversation.id });
    },
    "conversation.updated": ({ conversation }) => {
      list.upsert(conversation);
      current(conversation.id)?.setConversation(conversation);
    },
    "conversation.closed": ({ conversation }) => {
      list.upsert(conversation);
      current(conversation.id)?.setConversation(conversation);
    },
    "message.created": ({ message, conversation }) => {
      list.upsert(conversation);
      const t = current(conversation.id);
      if (t) {
        t.receive(message);
        t.setConversation(conversation);
      }
      // The first message of a new conversation was already announced with the conversation.
      if (message.seq > 1) heardMessage(message, conversation);
    },
    "message.completed": ({ message }) => current(message.conversationId)?.receive(message),
    "message.appended": ({ conversationId, messageId, offset, text }) =>
      current(conversationId)?.appendText(messageId, offset, text),
    typing: ({ conversationId, side, typing, name }) => {
      if (side === "contact") current(conversationId)?.setContactTyping(typing, name);
    },
    "note.created": ({ note, conversation }) => {
      current(conversation.id)?.notes.receive(note);
      if (note.mentions.includes(me.id) && note.author.id !== me.id) mentioned(note, conversation);
    },
    read: ({ conversationId, side, seq }) => {
      if (side !== "agent") return;
      list.markRead(conversationId, seq);
      current(conversationId)?.setReadUpTo(seq);
    },
    // A renamed contact: the list and the open conversation show the new name (the contact panel listens itself).
    "contact.updated": ({ contact }) => {
      list.updateContact(contact);
      const t = thread.value;
      const c = t?.conversation.value;
      if (t && c?.contact?.id === contact.id) t.conversation.value = { ...c, contact: contactRef(contact) };
    },
    // Erased (right to be forgotten) or past the site's retention: they leave the list, and the open one closes.
    "contact.deleted": ({ conversationIds }) => dropped(conversationIds),
    "conversations.expired": ({ conversationIds }) => dropped(conversationIds),
    "agent.updated": ({ agent }) => heardAgent(agent),
  } satisfies AgentEventHandlers);

  /** Conversations deleted for good: gone from the list, and closed if open. */
  function dropped(conversationIds: string[]): void {
    list.remove(conversationIds);
    if (thread.value && conversationIds.includes(thread.value.id)) open(null);
  }

  /** An agent changed (availability, away, name): the assignee menu and the header follow. */
  function heardAgent(agent: Agent): void {
    const known = agents.value.some((a) => a.id === agent.id);
    agents.value = known ? agents.value.map((a) => (a.id === agent.id ? agent : a)) : [...agents.value, agent];
    if (agent.id === me.id) self.value = agent;
  }

  /**
   * The header's switches: away (CONTRACT §8) and emails while offline (CONTRACT §9), through
   * the same API as everyone else.
   */
  async function updateMe(patch: { away?: boolean; emailNotifications?: boolean }): Promise<void> {
    heardAgent(await api.send<Agent>("PATCH", `/v1/agents/${me.id}`, patch));
  }
  const setAway = (away: boolean) => updateMe({ away });
  const setEmailNotifications = (on: boolean) => updateMe({ emailNotifications: on });
  const unresync = live.onResync(() => {
    void list.reload();
    void thread.value?.catchUp();
  });
  // The relay cut the live feed. Still signed in (a node restarted): reconnect. Signed out: the
  // request answers 401, and the API client's unauthorized hook shows the sign-in form.
  const uncut = live.onCut(() => {
    api.get("/v1/agents").then(
      () => live.reconnect(),
      () => {},
    );
  });

  async function loadAgents(): Promise<void> {
    try {
      agents.value = (await api.get<{ items: Agent[] }>("/v1/agents")).items;
      const mine = agents.value.find((a) => a.id === me.id);
      if (mine) self.value = mine;
    } catch {
      // The assignee menu then offers only "me"; the list still works.
    }
  }

  async function loadAssignments(): Promise<void> {
    try {
      assignments.value = assignmentsOf((await api.get<{ items: Site[] }>("/v1/sites")).items);
    } catch {
      // No reasons shown beside unassigned conversations; everything else works.
    }
  }

  /** Read state reported for the open conversation also clears its unread count in the list. */
  async function reportRead(): Promise<void> {
    const t = thread.value;
    const seq = await t?.reportRead();
    if (t && seq) list.markRead(t.id, seq);
  }

  function dispose(): void {
    unsubscribe();
    unresync();
    uncut();
    thread.value?.dispose();
    live.close();
  }

  void list.reload();
  void loadAgents();
  void loadAssignments();

  return {
    me,
    self,
    api,
    live,
    list,
    agents,
    assignments,
    loadAssignments,
    thread,
    mentions,
    dismissMention,
    open,
    reportRead,
    setAway,
    setEmailNotifications,
    dispose,
  };
}

export type Inbox = ReturnType<typeof createInbox>;
