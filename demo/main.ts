/**
 * The demo page: embeds the widget for the default site (its key from /v1/demo/config) and
 * drives the theming playground. External script only, so the page works under a strict CSP.
 */
type ParleyFn = ((...args: unknown[]) => void) & { q?: unknown[][] };
declare global {
  interface Window {
    Parley?: ParleyFn;
    parleySettings?: Record<string, unknown>;
  }
}

const form = document.querySelector<HTMLFormElement>("#playground")!;
const snippet = document.querySelector<HTMLElement>("#snippet")!;
const widgetUrl = new URL("widget.js", location.href).href;
let siteKey = "pk_…";

function values() {
  const data = new FormData(form);
  const get = (name: string) => String(data.get(name) ?? "");
  return {
    title: get("title"),
    greeting: get("greeting"),
    theme: { primaryColor: get("primaryColor"), position: get("position"), colorScheme: get("colorScheme") },
  };
}

function showSnippet() {
  const settings = JSON.stringify(values(), null, 2);
  snippet.textContent = `<script>\n  window.parleySettings = ${settings.replace(/\n/g, "\n  ")};\n</script>\n<script src="${widgetUrl}" data-site="${siteKey}" async></script>`;
}

// The standard stub: calls made before widget.js has loaded are queued and replayed.
window.Parley =
  window.Parley ||
  Object.assign((...args: unknown[]) => void (window.Parley!.q = window.Parley!.q || []).push(args), {});

form.addEventListener("input", () => {
  window.Parley!("update", values());
  showSnippet();
});
form.addEventListener("submit", (e) => e.preventDefault());
document.querySelector("#open")!.addEventListener("click", () => window.Parley!("open"));
document.querySelector("#copy")!.addEventListener("click", async () => {
  await navigator.clipboard?.writeText(snippet.textContent ?? "").catch(() => {});
  document.querySelector("#copied")!.textContent = "Copied.";
});

async function embed() {
  const res = await fetch(new URL("v1/demo/config", location.href));
  if (!res.ok) throw new Error(`demo config: ${res.status}`);
  siteKey = ((await res.json()) as { siteKey: string }).siteKey;
  showSnippet();
  window.parleySettings = values();
  const script = document.createElement("script");
  script.src = widgetUrl;
  script.async = true;
  script.dataset.site = siteKey;
  document.body.append(script);
}

showSnippet();
embed().catch((err) => {
  snippet.textContent = `The widget could not be embedded: ${String(err)}`;
});

export {};
