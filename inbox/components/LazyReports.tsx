import { useEffect, useState } from "preact/hooks";
import type { FunctionComponent } from "preact";
import type { Agent } from "../../shared/schemas/index.ts";
import type { Api } from "../api/client.ts";

type Screen = FunctionComponent<{ api: Api; me: Agent }>;

/** /inbox/reports: the reports page, served by the inbox's own index.html. */
export const onReportsPage = (pathname = location.pathname) => /\/inbox\/reports$/.test(pathname);

/**
 * The reports screen and its charting library come in their own chunk, fetched only on this
 * page: the inbox's first load does not carry them.
 */
export function LazyReports({ api, me }: { api: Api; me: Agent }) {
  const [Reports, setReports] = useState<Screen | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import("../reports/ReportsScreen.tsx").then(
      (m) => setReports(() => m.ReportsScreen),
      () => setFailed(true),
    );
  }, []);
  if (Reports) return <Reports api={api} me={me} />;
  return (
    <main class="signin" aria-busy={!failed}>
      <p class={failed ? "error" : "muted"} role={failed ? "alert" : undefined}>
        {failed ? "The reports could not be loaded. Reload the page to try again." : "Loading reports…"}
      </p>
    </main>
  );
}
