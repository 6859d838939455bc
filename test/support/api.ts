import { exports } from "cloudflare:workers";

export const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

/** Calls the Worker's own fetch handler (real runtime, real D1), as an API client would. */
export function workerFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://quorum.test${path}`, init));
}

/** Calls /api/v1 with a bearer token (the bootstrap admin token by default) and a JSON body. */
export function api(
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? ADMIN_TOKEN : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (typeof body === "string") payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["content-type"] ??= "application/json";
  }
  return workerFetch(`/api/v1${path}`, { method, headers, body: payload });
}

/** Parses a JSON or problem+json body, failing the test with the body text when it is not JSON. */
export async function json<T = any>(response: Response): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected JSON, got ${response.status}: ${text.slice(0, 500)}`);
  }
}
