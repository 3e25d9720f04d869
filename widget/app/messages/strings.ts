/** The few words the renderers draw themselves; pass translations through `strings`. */
export interface MessageStrings {
  openMap: string;
  download: string;
  call: string;
  email: string;
  carousel: string;
}

export const defaultMessageStrings: MessageStrings = {
  openMap: "Open map",
  download: "Download",
  call: "Call",
  email: "Email",
  carousel: "Cards",
};

/** 1536 → "1.5 KB". */
export function formatBytes(size: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let n = size;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}
