import crypto from "node:crypto";

/**
 * An agent for fault tests: signed in to the inbox (its session cookie), replying over REST
 * through a misbehaving network as an integration would: every reply carries a `uniqueId`, and a
 * reply that got no answer (cut, timed out, 5xx) is sent again with the same `uniqueId` until the
 * relay acknowledges it.
 */
export class ChaosAgent {
  /** Replies the relay acknowledged: uniqueId → the stored message's id. */
  readonly acked = new Map<string, string>();
  /** Replies typed, by conversation. */
  readonly typed: { uniqueId: string; conversationId: string; text: string }[] = [];
  /** Requests that got no answer or a 5xx and were sent again. */
  retries = 0;
  /** Why requests were sent again: an HTTP status, or the error's name. */
  readonly failures = new Map<string, number>();

  private constructor(
    readonly name: string,
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
  ) {}

  /** Creates the agent with the admin token and signs it in (both straight to a node). */
  static async create(nodeUrl: string, token: string, baseUrl: string, name: string): Promise<ChaosAgent> {
    const email = `${name.toLowerCase()}-${crypto.randomBytes(4).toString("hex")}@example.com`;
    const password = `pw-${crypto.randomBytes(8).toString("hex")}`;
    const created = await fetch(`${nodeUrl}/v1/agents`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name, email, password, role: "agent" }),
    });
    if (created.status !== 201) throw new Error(`creating agent ${name} answered ${created.status}`);
    const res = await fetch(`${nodeUrl}/v1/inbox/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-parley-csrf": "1" },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`sign-in of ${name} answered ${res.status}`);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    return new ChaosAgent(name, baseUrl, { cookie, "x-parley-csrf": "1", "content-type": "application/json" });
  }

  /** One request, answered or not: null when the network or the relay did not answer in time. */
  private async request(path: string, body: unknown): Promise<{ status: number; body: any } | null> {
    const failed = (why: string) => this.failures.set(why, (this.failures.get(why) ?? 0) + 1);
    try {
      const res = await fetch(this.baseUrl + path, {
        method: "POST",
        headers: this.headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(4000),
      });
      const text = await res.text();
      if (res.status >= 500) failed(String(res.status));
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    } catch (err) {
      failed((err as Error).name + ":" + String((err as { cause?: { code?: string } }).cause?.code ?? ""));
      return null;
    }
  }

  /** Shows typing in the conversation; a lost one is not sent again (typing is ephemeral). */
  async typing(conversationId: string): Promise<void> {
    await this.request(`/v1/conversations/${conversationId}/typing`, { typing: true });
  }

  /**
   * Replies until acknowledged (or until `givesUp()`): resolves with the stored message's id. A refusal
   * that retrying cannot fix (4xx) is thrown.
   */
  async reply(conversationId: string, text: string, givesUp: () => boolean): Promise<string> {
    const uniqueId = `${this.name}-${crypto.randomBytes(8).toString("hex")}`;
    this.typed.push({ uniqueId, conversationId, text });
    for (;;) {
      const res = await this.request(`/v1/conversations/${conversationId}/messages`, {
        type: "text",
        content: { text },
        uniqueId,
      });
      if (res && (res.status === 200 || res.status === 201)) {
        this.acked.set(uniqueId, res.body.id);
        return res.body.id as string;
      }
      if (res && res.status < 500 && res.status !== 429)
        throw new Error(`${this.name}'s reply was refused: ${res.status} ${JSON.stringify(res.body)}`);
      if (givesUp())
        throw new Error(
          `${this.name}'s reply ${uniqueId} was never acknowledged (${JSON.stringify(Object.fromEntries(this.failures))})`,
        );
      this.retries++;
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
    }
  }
}
