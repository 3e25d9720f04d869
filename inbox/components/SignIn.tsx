import { useState } from "preact/hooks";
import type { Agent } from "../../shared/schemas/index.ts";
import { sessionPath } from "../../shared/inbox.ts";
import { ApiError, type Api } from "../api/client.ts";

function signInError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === "unauthorized") return "Wrong email or password.";
    if (err.code === "rate_limited") {
      const minutes = Math.max(1, Math.ceil((err.retryAfter ?? 60) / 60));
      return `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
    }
    if (err.code === "validation_failed") return "Enter your email and password.";
    return err.message;
  }
  return "Sign-in failed. Try again.";
}

/** Email and password; one clear message when they do not match, never which one was wrong. */
export function SignIn({ api, onSignedIn }: { api: Api; onSignedIn: (agent: Agent) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const { agent } = await api.send<{ agent: Agent }>("POST", sessionPath, {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
      });
      onSignedIn(agent);
    } catch (err) {
      setError(signInError(err));
      setBusy(false);
    }
  }

  return (
    <main class="signin">
      <form class="signin-card" onSubmit={submit} aria-labelledby="signin-title" noValidate={false}>
        <h1 id="signin-title">Sign in to Parley</h1>
        <label class="field">
          <span>Email</span>
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label class="field">
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
