/**
 * Pure, prop-driven renderers of every message type, shared by the widget and the agent inbox.
 * See README.md in this folder.
 */
export { MessageContent, messagePreview, type MessageContentProps } from "./message-content.tsx";
export { Linkified, safeUrl } from "./linkify.tsx";
export type { Choice } from "./renderers.tsx";
export { defaultMessageStrings, formatBytes, type MessageStrings } from "./strings.ts";
export { messageCss } from "./styles.ts";
