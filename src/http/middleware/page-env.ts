import type { AppEnv } from "../context";

/** HTML routes (respondent pages, admin UI) also carry the CSP nonce of the page being rendered. */
export type PageEnv = { Bindings: AppEnv["Bindings"]; Variables: AppEnv["Variables"] & { nonce: string } };
