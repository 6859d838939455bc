import { createMiddleware } from "hono/factory";
import { countingD1, createDb } from "../../db/client";
import type { AppEnv } from "../context";

/** One drizzle client per request over a counting D1 wrapper; tests read the count from X-D1-Round-Trips. */
export const database = createMiddleware<AppEnv>(async (c, next) => {
  const roundTrips = { count: 0 };
  const d1 = countingD1(c.env.DB, roundTrips);
  c.set("roundTrips", roundTrips);
  c.set("d1", d1);
  c.set("db", createDb(d1));
  await next();
  if (c.env.EXPOSE_DB_ROUND_TRIPS === "1") c.res.headers.set("X-D1-Round-Trips", String(roundTrips.count));
});
