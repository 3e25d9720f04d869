import { useEffect, useState } from "preact/hooks";
import type { Contact, Conversation } from "../../shared/schemas/index.ts";
import type { Inbox } from "../state/inbox.ts";
import { hashFor } from "../state/route.ts";
import { shortWhen, statusLabels } from "./format.ts";
import { TranscriptButton } from "./TranscriptButton.tsx";

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Who the visitor is: name, email (and the transcript to it), phone, metadata, and their other conversations. */
export function ContactPanel({ inbox, conversation }: { inbox: Inbox; conversation: Conversation }) {
  const contactId = conversation.contact?.id ?? null;
  const [contact, setContact] = useState<Contact | null>(null);
  const [others, setOthers] = useState<Conversation[]>([]);

  useEffect(() => {
    setContact(null);
    setOthers([]);
    if (!contactId) return;
    let live = true;
    inbox.api
      .get<Contact>(`/v1/contacts/${encodeURIComponent(contactId)}`)
      .then((c) => live && setContact(c))
      .catch(() => {});
    inbox.api
      .get<{ items: Conversation[] }>("/v1/conversations", { contactId, limit: 11 })
      .then((page) => live && setOthers(page.items.filter((c) => c.id !== conversation.id).slice(0, 10)))
      .catch(() => {});
    const off = inbox.live.on({ "contact.updated": ({ contact: c }) => c.id === contactId && setContact(c) });
    return () => {
      live = false;
      off();
    };
  }, [contactId, conversation.id, inbox]);

  const ref = contact ?? conversation.contact;
  const metadata = { ...conversation.metadata, ...(contact?.metadata ?? {}) };
  return (
    <section class="panel" aria-labelledby="contact-title">
      <h3 id="contact-title">Contact</h3>
      {!ref ? (
        <p class="muted">Anonymous visitor</p>
      ) : (
        <dl class="facts">
          <dt>Name</dt>
          <dd>{ref.name || <span class="muted">Unknown</span>}</dd>
          <dt>Email</dt>
          <dd>{ref.email ? <a href={`mailto:${ref.email}`}>{ref.email}</a> : <span class="muted">Unknown</span>}</dd>
          <dt>Phone</dt>
          <dd>
            {ref.phone ? (
              <a href={`tel:${ref.phone.replace(/[^\d+]/g, "")}`}>{ref.phone}</a>
            ) : (
              <span class="muted">Unknown</span>
            )}
          </dd>
          {ref.externalId && (
            <>
              <dt>User id</dt>
              <dd>{ref.externalId}</dd>
            </>
          )}
          {Object.entries(metadata).map(([k, v]) => (
            <>
              <dt>{k}</dt>
              <dd>{show(v)}</dd>
            </>
          ))}
        </dl>
      )}
      {ref?.email && <TranscriptButton inbox={inbox} conversationId={conversation.id} />}
      {contactId && (
        <>
          <h4 id="others-title">Other conversations</h4>
          {others.length === 0 ? (
            <p class="muted">None</p>
          ) : (
            <ul class="others" aria-labelledby="others-title">
              {others.map((o) => (
                <li>
                  <a href={hashFor(o.id)}>
                    {o.topic || (o.lastMessage ? `Conversation of ${shortWhen(o.createdAt)}` : "Conversation")}
                  </a>{" "}
                  <span class="muted">
                    {statusLabels[o.status]} · {shortWhen(o.updatedAt)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
