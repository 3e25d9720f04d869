/** Prefixes of Parley's opaque ids (CONTRACT §3) and of its keys (§1). */
export const idPrefix = {
  conversation: "conv_",
  message: "msg_",
  contact: "ct_",
  agent: "ag_",
  webhook: "wh_",
  site: "site_",
  token: "tok_",
  delivery: "dlv_",
  visitor: "vis_",
  event: "evt_",
  file: "file_",
  canned: "cr_",
  note: "note_",
  rating: "rate_",
} as const;

export type IdKind = keyof typeof idPrefix;

export const siteKeyPrefix = "pk_";
export const secretPrefix = "sk_";
export const visitorTokenPrefix = "vt_";
