/**
 * The inbox runs under a strict CSP (no 'unsafe-eval'). zod probes whether it may compile
 * validators with `new Function`; the probe is caught, but the browser still reports a CSP
 * violation. jitless skips the probe. Imported first by main.tsx, before any schema parses.
 */
import { z } from "zod";

z.config({ jitless: true });
