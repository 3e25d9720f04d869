export * from "./common.ts";
export * from "./message.ts";
export * from "./contact.ts";
export * from "./conversation.ts";
export * from "./site.ts";
export * from "./token.ts";
export * from "./agent.ts";
export * from "./webhook.ts";
