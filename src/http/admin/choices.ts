import { asc } from "drizzle-orm";
import type { Db } from "../../db/client";
import { journeyStages, roles } from "../../db/schema";
import type { Option } from "../../views/admin/components";

/** What the admin forms offer to choose from: query builders (so each page reads them in its own batch) and options. */

export const roleRows = (db: Db) => db.select({ key: roles.key, label: roles.label }).from(roles).orderBy(asc(roles.label));
export const stageRows = (db: Db) => db.select({ key: journeyStages.key, label: journeyStages.label }).from(journeyStages).orderBy(asc(journeyStages.position), asc(journeyStages.key));

/** Roles, journey stages and the like as a select's options: the key as value, the label in words. */
export const keyedOptions = (rows: { key: string; label: string }[]): Option[] => rows.map((r) => ({ value: r.key, label: r.label }));
