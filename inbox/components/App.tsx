import { useEffect, useState } from "preact/hooks";
import type { Agent } from "../../shared/schemas/index.ts";
import { sessionPath } from "../../shared/inbox.ts";
import type { Api } from "../api/client.ts";
import { SignIn } from "./SignIn.tsx";
import { InboxScreen } from "./InboxScreen.tsx";
import { LazyReports, onReportsPage } from "./LazyReports.tsx";

/** Signed in (the inbox) or not (the sign-in form), decided by the session cookie. */
export function App({ api }: { api: Api }) {
  const [agent, setAgent] = useState<Agent | null | undefined>(undefined);
  useEffect(() => {
    // A session that ends while the inbox is open (signed out in another tab, expired) leads back to sign-in.
    api.onUnauthorized?.(() => setAgent(null));
    api
      .get<{ agent: Agent }>(sessionPath)
      .then(({ agent }) => setAgent(agent))
      .catch(() => setAgent(null));
  }, [api]);

  if (agent === undefined) {
    return (
      <main class="signin" aria-busy="true">
        <p class="muted">Loading…</p>
      </main>
    );
  }
  if (agent === null) return <SignIn api={api} onSignedIn={setAgent} />;
  if (onReportsPage()) return <LazyReports key={agent.id} api={api} me={agent} />;
  return <InboxScreen key={agent.id} api={api} me={agent} onSignedOut={() => setAgent(null)} />;
}
