import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { surveys, type Survey } from "../../db/schema";
import { notFound, unprocessable } from "../../lib/errors";

/** A survey that can be sent: it exists, is active and has a published version. */
export async function sendableSurvey(db: Db, surveyId: string): Promise<Survey> {
  const survey = await db.select().from(surveys).where(eq(surveys.id, surveyId)).get();
  if (!survey) throw notFound(`Survey '${surveyId}'`);
  if (survey.status !== "active" || !survey.currentVersionId) {
    throw unprocessable(`Survey '${surveyId}' is ${survey.status}${survey.currentVersionId ? "" : " and has no published version"}; publish and activate it before sending.`, [
      { path: "surveyId", message: "survey is not active" },
    ]);
  }
  return survey;
}
