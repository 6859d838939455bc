#!/usr/bin/env node
// Copies the admin UI's enhancement libraries from node_modules into Workers Static Assets (public/assets/vendor),
// so they are served by our own origin — never a CDN, never inlined into the Worker bundle. Runs on npm install.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const files = [["htmx.org/dist/htmx.min.js", "htmx.min.js"]];
mkdirSync("public/assets/vendor", { recursive: true });
for (const [from, to] of files) copyFileSync(require.resolve(from), `public/assets/vendor/${to}`);
