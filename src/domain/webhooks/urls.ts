// SPEC §8: webhook URLs must be https to a public host outside local mode — no private, loopback or link-local
// address. Host names are checked for the obvious local ones; literal IP addresses are refused (use a host name).

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

const LOCAL_NAMES = /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home|corp|home\.arpa|test|invalid|example)$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function ipv4Kind(host: string): "private" | "loopback" | "link-local" | "public" {
  const [a, b] = host.split(".").map(Number) as [number, number, number, number];
  if (a === 127 || a === 0) return "loopback";
  if (a === 169 && b === 254) return "link-local";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return "private";
  return "public";
}

function ipv6Kind(host: string): "private" | "loopback" | "link-local" | "public" {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "::1" || h === "::") return "loopback";
  if (/^fe[89ab]/.test(h)) return "link-local";
  if (/^f[cd]/.test(h)) return "private";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped) return ipv4Kind(mapped[1]!);
  return "public";
}

/** `local`: the deployment runs on a laptop (its PUBLIC_URL is localhost), where a local receiver is allowed. */
export function checkWebhookUrl(raw: string, local: boolean): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, message: "not a URL; use https://your-host/path" };
  }
  if (url.username || url.password) return { ok: false, message: "credentials in the URL are not allowed; the signature authenticates us" };
  if (local) {
    return url.protocol === "https:" || url.protocol === "http:" ? { ok: true, url: url.toString() } : { ok: false, message: "use an http(s) URL" };
  }
  if (url.protocol !== "https:") return { ok: false, message: "must use https" };
  const host = url.hostname;
  if (IPV4.test(host) || host.startsWith("[")) {
    const kind = IPV4.test(host) ? ipv4Kind(host) : ipv6Kind(host);
    return { ok: false, message: kind === "public" ? "use a host name, not an IP address" : `points at a ${kind} address; the endpoint must be reachable on the public internet` };
  }
  if (!host.includes(".") || LOCAL_NAMES.test(host)) return { ok: false, message: `'${host}' is a local name; the endpoint must be a public host` };
  return { ok: true, url: url.toString() };
}

/** Local mode: PUBLIC_URL on localhost (npm start), where webhooks may go to a receiver on the same machine. */
export function isLocalMode(publicUrl: string): boolean {
  try {
    const host = new URL(publicUrl).hostname;
    return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
  } catch {
    return false;
  }
}
