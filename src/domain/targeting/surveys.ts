import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { surveys, type Survey } from "../../db/schema";
import { notFound, unprocessable } from "../../lib/errors";

/** The survey row a send or plan needs: a query builder, so a caller can read it in one batch with its other reads. */
export const surveyRow = (db: Db, surveyId: string) => db.select().from(surveys).where(eq(surveys.id, surveyId));

/** The survey read, checked: it exists, is active and has a published version (else a 404 / 422 naming it). */
export function assertSendable(survey: Survey | undefined, surveyId: string): Survey {
  if (!survey) throw notFound(`Survey '${surveyId}'`);
  if (survey.status !== "active" || !survey.currentVersionId) {
    throw unprocessable(`Survey '${surveyId}' is ${survey.status}${survey.currentVersionId ? "" : " and has no published version"}; publish and activate it before sending.`, [
      { path: "surveyId", message: "survey is not active" },
    ]);
  }
  return survey;
}
