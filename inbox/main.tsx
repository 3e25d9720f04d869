import "./csp.ts";
import { render } from "preact";
import { messageCss } from "../widget/app/messages/index.ts";
import { createApi } from "./api/client.ts";
import { App } from "./components/App.tsx";

// The message renderers bring their own stylesheet; adopt it as the widget does (no inline styles).
const renderers = new CSSStyleSheet();
renderers.replaceSync(messageCss);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, renderers];

render(<App api={createApi()} />, document.getElementById("app")!);
