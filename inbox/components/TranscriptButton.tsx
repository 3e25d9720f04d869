import { useEffect, useState } from "preact/hooks";
import type { TranscriptQueued } from "../../shared/schemas/index.ts";
import { ApiError } from "../api/client.ts";
import type { Inbox } from "../state/inbox.ts";

/**
 * "Email transcript": the whole conversation to the contact's address (CONTRACT §9), through
 * POST /v1/conversations/{id}/transcript; says where it went, or why not (no address, too many).
 */
export function TranscriptButton({ inbox, conversationId }: { inbox: Inbox; conversationId: string }) {
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    setStatus("");
    setError("");
  }, [conversationId]);
  const send = async () => {
    setBusy(true);
    setStatus("");
    setError("");
    try {
      const queued = await inbox.api.send<TranscriptQueued>(
        "POST",
        `/v1/conversations/${encodeURIComponent(conversationId)}/transcript`,
      );
      setStatus(`Transcript sent to ${queued.to}`);
    } catch (err) {
      const e = err instanceof ApiError ? err : null;
      if (e?.code === "rate_limited")
        setError(`Too many transcripts for now: try again in ${Math.ceil((e.retryAfter ?? 60) / 60)} min`);
      else setError(e?.message ?? "The transcript was not sent");
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="transcript">
      <button type="button" disabled={busy} onClick={() => void send()}>
        Email transcript
      </button>
      <p role="status">{status}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
