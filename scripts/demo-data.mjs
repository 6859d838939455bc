// Demo data for `npm start`, loaded through the public admin API (so it exercises the same code as a real
// client) into an empty local database. It tells a story a newcomer can read on the first Overview:
// - "Fernwood Software" (a fictional vendor) surveys 23 customer accounts of very different revenue;
// - two years of quarterly history, back-dated through POST /api/v1/responses/import (the history import):
//   Germany improves quarter after quarter, the United States declines;
// - Atlas Health Systems, the largest account, grows its revenue and turns from promoter to detractor (the at-risk giant);
// - Banque Lumière answered for a year, then went quiet: invited this quarter, nobody answered (silent);
// - Meridian Retail Group only ever hears from one person (single-threaded); two small accounts were never surveyed;
// - Nordwind Logistik's decision maker loves us while its end users do not (mixed signals);
// - a relational NPS + OSAT survey, a transactional onboarding CES survey, this quarter's invitations in the outbox,
//   three answers given through the real survey form, then a scoring run.

export const ORGANIZATION_NAME = "Fernwood Software";

const OWNERS = {
  maya: { ownerEmail: "maya.lindqvist@fernwood.example", ownerName: "Maya Lindqvist" },
  tom: { ownerEmail: "tom.okafor@fernwood.example", ownerName: "Tom Okafor" },
  ines: { ownerEmail: "ines.moreau@fernwood.example", ownerName: "Inès Moreau" },
};

// Heavy-tailed like real B2B: a few accounts hold most of the revenue. `trend` names the story each account tells.
const ACCOUNTS = [
  { externalId: "CRM-1002", name: "Atlas Health Systems", annualRevenue: 3_100_000, country: "US", segment: "Enterprise", locale: "en", ...OWNERS.tom, trend: "falling", revenueSteps: [1_800_000, 2_600_000, 3_100_000] },
  { externalId: "CRM-1001", name: "Nordwind Logistik AG", annualRevenue: 2_400_000, country: "DE", segment: "Enterprise", locale: "de", ...OWNERS.maya, trend: "rising", mixed: true },
  { externalId: "CRM-1007", name: "Hanse Maschinenbau GmbH", annualRevenue: 1_150_000, country: "DE", segment: "Enterprise", locale: "de", ...OWNERS.maya, trend: "rising", revenueSteps: [700_000, 900_000, 1_150_000] },
  { externalId: "CRM-1008", name: "Pinecrest Insurance", annualRevenue: 880_000, country: "US", segment: "Enterprise", locale: "en", ...OWNERS.tom, trend: "falling" },
  { externalId: "CRM-1004", name: "Meridian Retail Group", annualRevenue: 620_000, country: "GB", segment: "Mid-market", locale: "en", ...OWNERS.tom, trend: "steady", singleThreaded: true },
  { externalId: "CRM-1009", name: "Rheinblick Energie", annualRevenue: 540_000, country: "DE", segment: "Mid-market", locale: "de", ...OWNERS.maya, trend: "rising" },
  { externalId: "CRM-1010", name: "Lakeshore Credit Union", annualRevenue: 470_000, country: "US", segment: "Mid-market", locale: "en", ...OWNERS.tom, trend: "falling" },
  { externalId: "CRM-1003", name: "Banque Lumière", annualRevenue: 380_000, country: "FR", segment: "Mid-market", locale: "fr", ...OWNERS.ines, trend: "steady", silentSince: 2 },
  { externalId: "CRM-1011", name: "Alpenglanz Hotels", annualRevenue: 310_000, country: "DE", segment: "Mid-market", locale: "de", ...OWNERS.maya, trend: "rising" },
  { externalId: "CRM-1012", name: "Copperline Foods", annualRevenue: 290_000, country: "US", segment: "Mid-market", locale: "en", ...OWNERS.tom, trend: "falling" },
  { externalId: "CRM-1013", name: "Vier Jahreszeiten Verlag", annualRevenue: 210_000, country: "DE", segment: "SMB", locale: "de", ...OWNERS.maya, trend: "rising" },
  { externalId: "CRM-1014", name: "Granite Peak Outfitters", annualRevenue: 190_000, country: "US", segment: "SMB", locale: "en", ...OWNERS.tom, trend: "falling" },
  { externalId: "CRM-1015", name: "Maison Céleste", annualRevenue: 160_000, country: "FR", segment: "SMB", locale: "fr", ...OWNERS.ines, trend: "steady" },
  { externalId: "CRM-1016", name: "Brückner Logistik", annualRevenue: 150_000, country: "DE", segment: "SMB", locale: "de", ...OWNERS.maya, trend: "rising" },
  { externalId: "CRM-1017", name: "Harborview Dental", annualRevenue: 140_000, country: "US", segment: "SMB", locale: "en", ...OWNERS.tom, trend: "falling" },
  { externalId: "CRM-1005", name: "Soluciones Pampa", annualRevenue: 125_000, country: "ES", segment: "SMB", locale: "es", ...OWNERS.ines, trend: "steady" },
  { externalId: "CRM-1018", name: "Schwarzwald Software", annualRevenue: 110_000, country: "DE", segment: "SMB", locale: "de", ...OWNERS.maya, trend: "rising" },
  { externalId: "CRM-1019", name: "Bluebonnet Realty", annualRevenue: 95_000, country: "US", segment: "SMB", locale: "en", ...OWNERS.tom, trend: "falling" },
  { externalId: "CRM-1020", name: "Oranje Fietsen BV", annualRevenue: 80_000, country: "NL", segment: "SMB", locale: "en", ...OWNERS.ines, trend: "steady" },
  { externalId: "CRM-1021", name: "Elbe Kreativ", annualRevenue: 60_000, country: "DE", segment: "SMB", locale: "de", ...OWNERS.maya, trend: "rising" },
  { externalId: "CRM-1022", name: "Mesa Verde Labs", annualRevenue: 40_000, country: "US", segment: "SMB", locale: "en", ...OWNERS.tom, trend: "falling" },
  { externalId: "CRM-1006", name: "Kettle & Finch Studio", annualRevenue: 9_000, country: "GB", segment: "SMB", locale: "en", ...OWNERS.tom, trend: "steady", neverSurveyed: true },
  { externalId: "CRM-1023", name: "Tidewater Marine Services", annualRevenue: 260_000, country: "GB", segment: "Mid-market", locale: "en", ...OWNERS.ines, trend: "steady", neverSurveyed: true },
];

const ROLES = ["decision_maker", "executive_sponsor", "champion", "finance", "technical_evaluator", "project_manager", "end_user"];
const FIRST_NAMES = ["Anna", "Ben", "Carla", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kaito", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tara"];
const LAST_NAMES = ["Berg", "Costa", "Dubois", "Evans", "Fischer", "García", "Hansen", "Ito", "Jensen", "Klein", "Larsen", "Meyer", "Novak", "Ortiz", "Park"];

function contactsFor(account, index) {
  // The whole committee plus end users at every account (so each market has enough people to compare year on year).
  const roles = [...ROLES, "end_user", "end_user"];
  const domain = account.name.toLowerCase().normalize("NFD").replace(/[^a-z]+/g, "").slice(0, 14) + ".example";
  return roles.map((role, i) => {
    const first = FIRST_NAMES[(index * 7 + i) % FIRST_NAMES.length];
    const last = LAST_NAMES[(index * 4 + i * 3) % LAST_NAMES.length];
    return {
      accountExternalId: account.externalId,
      email: `${first}.${last}.${i}`.toLowerCase().normalize("NFD").replace(/[^a-z0-9.]/g, "") + `@${domain}`,
      name: `${first} ${last}`,
      role,
      locale: account.locale,
    };
  });
}

const t = (en, de, fr, es) => ({ en, de, fr, es });

const RELATIONAL_SURVEY = {
  name: "Relationship pulse",
  kind: "relational",
  journeyStage: "relationship",
  targetRoles: [],
  defaultLocale: "en",
  texts: {
    en: { title: "How are we doing?", intro: "Two minutes of your time helps your account team decide what to fix first. Your answer goes to them directly and you will hear back on what we change." },
    de: { title: "Wie machen wir uns?", intro: "Zwei Minuten helfen Ihrem Account-Team zu entscheiden, was wir zuerst verbessern. Ihre Antwort geht direkt an das Team, und Sie hören von uns, was wir ändern." },
    fr: { title: "Comment nous en sortons-nous ?", intro: "Deux minutes de votre temps aident votre équipe à décider quoi améliorer en premier. Votre réponse lui parvient directement et nous vous dirons ce que nous changeons." },
    es: { title: "¿Qué tal lo estamos haciendo?", intro: "Dos minutos de su tiempo ayudan a su equipo de cuenta a decidir qué mejorar primero. Su respuesta le llega directamente y le contaremos qué cambiamos." },
  },
  questions: [
    { id: "nps", type: "nps", required: true, text: t("How likely are you to recommend us to a colleague?", "Wie wahrscheinlich ist es, dass Sie uns einem Kollegen empfehlen?", "Quelle est la probabilité que vous nous recommandiez à un collègue ?", "¿Qué probabilidad hay de que nos recomiende a un colega?") },
    { id: "why", type: "text", showIf: { questionId: "nps", max: 6 }, text: t("What is the main reason for your score?", "Was ist der wichtigste Grund für Ihre Bewertung?", "Quelle est la principale raison de votre note ?", "¿Cuál es el motivo principal de su puntuación?") },
    { id: "osat", type: "osat", text: t("Overall, how satisfied are you with us?", "Wie zufrieden sind Sie insgesamt mit uns?", "Dans l'ensemble, êtes-vous satisfait de nous ?", "En general, ¿qué tan satisfecho está con nosotros?") },
  ],
};

const ONBOARDING_SURVEY = {
  name: "Onboarding check-in",
  kind: "transactional",
  journeyStage: "onboarding",
  targetRoles: ["champion", "project_manager", "end_user"],
  defaultLocale: "en",
  texts: {
    en: { title: "How did onboarding go?", intro: "You just finished onboarding. One question tells us whether we made it easy, so we can fix the rough spots for you and the next teams." },
    de: { title: "Wie lief das Onboarding?", intro: "Sie haben das Onboarding abgeschlossen. Eine Frage sagt uns, ob wir es Ihnen leicht gemacht haben." },
    fr: { title: "Comment s'est passé l'onboarding ?", intro: "Vous venez de terminer l'onboarding. Une question nous dit si nous vous l'avons rendu facile." },
    es: { title: "¿Qué tal fue la incorporación?", intro: "Acaba de terminar la incorporación. Una pregunta nos dice si se lo pusimos fácil." },
  },
  questions: [
    { id: "ces", type: "ces", required: true, text: t("The company made it easy for me to get started.", "Das Unternehmen hat mir den Einstieg leicht gemacht.", "L'entreprise m'a facilité la prise en main.", "La empresa me facilitó empezar.") },
    { id: "comment", type: "text", text: t("Anything we should have done differently?", "Was hätten wir anders machen sollen?", "Qu'aurions-nous dû faire autrement ?", "¿Qué deberíamos haber hecho de otra manera?") },
  ],
};

// Some contacts answer this quarter through the real survey form (the rest of the history is imported): the
// promoter at Nordwind, the at-risk giant's decision maker, a passive at Rheinblick. The others wait in the outbox.
const DEMO_ANSWERS = {
  "CRM-1001": { nps: "9", osat: "5" },
  "CRM-1002": { nps: "3", why: "Since the reorganisation nobody owns our account. Three escalations this quarter went unanswered.", osat: "2" },
  "CRM-1009": { nps: "7", osat: "4" },
};

// ─── two years of history (imported as past answers) ────────────────────────

export const HISTORY_QUARTERS = 8;

/** Deterministic pseudo-random numbers (mulberry32), so every demo database tells the same story. */
function randomFrom(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** First instant (UTC) of the calendar quarter `back` quarters before the one holding `now`. */
const quarterStart = (now, back) => new Date(Date.UTC(now.getUTCFullYear(), (Math.floor(now.getUTCMonth() / 3) - back) * 3, 1));

/** Chances of a promoter and a detractor answer; x runs from 0 (two years ago) to 1 (this quarter). */
function mood(trend, x) {
  if (trend === "rising") return { promoter: 0.12 + 0.66 * x, detractor: 0.5 - 0.45 * x };
  if (trend === "falling") return { promoter: 0.62 - 0.45 * x, detractor: 0.06 + 0.46 * x };
  return { promoter: 0.45, detractor: 0.15 };
}

function npsAnswer(random, m) {
  const u = random();
  if (u < m.promoter) return 9 + Math.floor(random() * 2);
  if (u < m.promoter + m.detractor) return Math.floor(random() * 7);
  return 7 + Math.floor(random() * 2);
}

const COMMENTS = {
  detractor: [
    "Support tickets sit for days before anyone replies.",
    "The last release broke our export and nobody warned us.",
    "Pricing went up again without any new value for us.",
    "We still have no named contact after the reorganisation.",
    "Reports take minutes to load on Monday mornings.",
  ],
  passive: ["Does the job, but onboarding new colleagues is slow.", "Good product, the invoices are hard to read.", "Fine overall; the mobile app lags behind the web."],
  promoter: ["Our account manager knows our business better than we do.", "The new dashboards saved my team a day every week.", "Reliable, fast support, and the roadmap listens to us."],
};

function commentFor(random, score) {
  const band = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
  if (random() > (band === "detractor" ? 0.6 : 0.25)) return undefined;
  const list = COMMENTS[band];
  return list[Math.floor(random() * list.length)];
}

/** An instant inside quarter `back`, never later than two days before now. */
function dayIn(random, now, back) {
  const start = quarterStart(now, back).getTime();
  const end = Math.min(quarterStart(now, back - 1).getTime(), now.getTime() - 2 * 86400_000);
  if (end <= start) return null;
  return new Date(start + Math.floor(random() * (end - start) / 3600_000) * 3600_000 + 9 * 3600_000);
}

/** The relationship survey's answers of the last 8 quarters, one row per answer, in the history import's columns. */
export function relationshipHistory(now) {
  const random = randomFrom(20241);
  const rows = [];
  ACCOUNTS.forEach((account, index) => {
    contactsFor(account, index).forEach((contact, ci) => {
      for (let back = HISTORY_QUARTERS - 1; back >= 0; back--) {
        if (account.neverSurveyed || (account.silentSince !== undefined && back < account.silentSince)) continue;
        if (account.singleThreaded && contact.role !== "champion") continue;
        const everyone = account.singleThreaded || (account.mixed && back === 0);
        if (random() > (everyone ? 1 : 0.55)) continue;
        const at = dayIn(random, now, back);
        if (!at) continue;
        let score = npsAnswer(random, mood(account.trend, (HISTORY_QUARTERS - 1 - back) / (HISTORY_QUARTERS - 1)));
        // Nordwind this quarter: the decision maker loves us, the end users do not (mixed signals).
        const MIXED = { decision_maker: 10, executive_sponsor: 10, champion: 10, finance: 9, technical_evaluator: 9, project_manager: 8 };
        if (account.mixed && back === 0) score = MIXED[contact.role] ?? 3 + (ci % 2);
        // The giant slides into detraction over the last two quarters.
        if (account.trend === "falling" && account.revenueSteps && back <= 1) score = Math.min(score, 4 + (ci % 3));
        rows.push({ email: contact.email, submittedAt: at.toISOString(), score, comment: commentFor(random, score), question: "nps" });
        // The import takes one answer per person, survey and time: satisfaction follows two minutes later.
        const osatAt = new Date(at.getTime() + 2 * 60_000).toISOString();
        rows.push({ email: contact.email, submittedAt: osatAt, score: Math.max(1, Math.min(5, Math.round(score / 2))), question: "osat" });
      }
    });
  });
  return rows;
}

/** Onboarding effort (CES 1–7) of project managers and end users over the same quarters. */
export function onboardingHistory(now) {
  const random = randomFrom(7);
  const rows = [];
  ACCOUNTS.forEach((account, index) => {
    if (account.singleThreaded || account.neverSurveyed) return;
    for (const contact of contactsFor(account, index).filter((c) => c.role === "project_manager" || c.role === "end_user")) {
      for (let back = HISTORY_QUARTERS - 1; back >= 0; back--) {
        if (random() > 0.25) continue;
        const at = dayIn(random, now, back);
        if (at) rows.push({ email: contact.email, submittedAt: at.toISOString(), score: 2 + Math.floor(random() * 6), question: "ces" });
      }
    }
  });
  return rows;
}

async function answerSurvey(surveyUrl, answers) {
  const form = new URLSearchParams(Object.entries(answers).map(([id, value]) => [`q:${id}`, value]));
  form.set("action", "submit");
  const res = await fetch(surveyUrl, { method: "POST", body: form, redirect: "manual" });
  if (res.status >= 400) throw new Error(`answering ${surveyUrl} → ${res.status}`);
}

async function call(base, token, method, path, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  }
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${data?.detail ?? text.slice(0, 300)}`);
  return data;
}

/** Revenue changes back-dated into the history (every change is a new row, so past quarters keep their amounts). */
async function backdateRevenue(base, token, byExternalId, now) {
  for (const account of ACCOUNTS.filter((a) => a.revenueSteps)) {
    const [, middle, latest] = account.revenueSteps;
    const id = byExternalId.get(account.externalId);
    const on = (back) => new Date(quarterStart(now, back).getTime() + 10 * 86400_000).toISOString();
    await call(base, token, "PATCH", `/accounts/${id}`, { annualRevenue: middle, revenueEffectiveFrom: on(5) });
    await call(base, token, "PATCH", `/accounts/${id}`, { annualRevenue: latest, revenueEffectiveFrom: on(1) });
  }
}

async function importHistory(base, token, surveyId, rows) {
  const report = await call(base, token, "POST", `/responses/import?surveyId=${encodeURIComponent(surveyId)}`, rows);
  const errors = (report.rows ?? []).filter((r) => r.outcome === "error");
  if (errors.length) console.warn(`Demo data: ${errors.length} history rows refused, e.g. ${JSON.stringify(errors[0])}`);
  return rows.length - errors.length;
}

/**
 * Runs scoring to completion: POST starts the run and works on it for a few seconds; queue messages carry the rest,
 * so this follows the run until it is complete (asking again only if it stalls, as the next cron tick would).
 */
async function scoreEverything(base, token) {
  let run = await call(base, token, "POST", "/scoring/runs");
  for (let second = 1; run.status === "running" && second <= 120; second++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    run = await call(base, token, "GET", `/scoring/runs/${run.id}`);
    if (run.status === "running" && run.state === "waiting" && second % 10 === 0) run = await call(base, token, "POST", "/scoring/runs");
  }
  if (run.status !== "complete") console.warn(`Demo data: the scoring run is ${run.status}; the scoring cron finishes it.`);
}

/** `npm start`: the demo story into an empty database (a database with accounts is left as it is). */
export async function seedDemoData(base, token) {
  const existing = await call(base, token, "GET", "/accounts?limit=1");
  if (existing.items.length > 0) {
    console.log("Demo data: the database already has accounts; leaving it as it is.");
    return;
  }
  await call(base, token, "PATCH", "/settings", { organizationName: ORGANIZATION_NAME });
  const summary = await loadDemoStory(base, token);
  console.log(`Demo data for ${ORGANIZATION_NAME}: ${summary}.`);
}

/**
 * The demo story's accounts, contacts, surveys, two years of imported answers, this quarter's invitations and a
 * scoring run, through the API (the browser journeys load it too, for their screenshots). Returns a summary line.
 */
export async function loadDemoStory(base, token) {
  const now = new Date();
  const accounts = ACCOUNTS.map(({ locale: _l, trend: _t, revenueSteps, mixed: _m, singleThreaded: _s, silentSince: _q, neverSurveyed: _n, ...account }) => ({
    ...account,
    annualRevenue: revenueSteps ? revenueSteps[0] : account.annualRevenue,
    customerSince: "2024-01-15",
  }));
  await call(base, token, "POST", "/accounts/import", accounts);
  await call(base, token, "POST", "/contacts/import", ACCOUNTS.flatMap(contactsFor));
  const stored = [];
  for (const { externalId } of ACCOUNTS) stored.push(...(await call(base, token, "GET", `/accounts?externalId=${externalId}&limit=1`)).items);
  const byExternalId = new Map(stored.map((a) => [a.externalId, a.id]));
  await backdateRevenue(base, token, byExternalId, now);

  const relational = await call(base, token, "POST", "/surveys", RELATIONAL_SURVEY);
  await call(base, token, "POST", `/surveys/${relational.id}/publish`);
  const onboarding = await call(base, token, "POST", "/surveys", ONBOARDING_SURVEY);
  await call(base, token, "POST", `/surveys/${onboarding.id}/publish`);
  const history = (await importHistory(base, token, relational.id, relationshipHistory(now))) + (await importHistory(base, token, onboarding.id, onboardingHistory(now)));

  // This quarter's relational invitations for each account's decision maker and champion: their emails land in the
  // outbox (Banque Lumière's stay unanswered: it is silent this quarter).
  let invited = 0;
  let answered = 0;
  const unsurveyed = new Set(ACCOUNTS.filter((a) => a.neverSurveyed).map((a) => a.externalId));
  for (const account of stored.filter((a) => !unsurveyed.has(a.externalId))) {
    const { items } = await call(base, token, "GET", `/contacts?accountId=${account.id}&limit=100`);
    for (const contact of items.filter((c) => c.role === "decision_maker" || c.role === "champion")) {
      const invitation = await call(base, token, "POST", "/invitations", { contactId: contact.id, surveyId: relational.id });
      invited++;
      const answers = contact.role === "decision_maker" && DEMO_ANSWERS[account.externalId];
      if (answers && invitation.surveyUrl && invitation.status === "queued") {
        await answerSurvey(invitation.surveyUrl, answers);
        answered++;
      }
    }
  }
  // A journey event: one account just completed onboarding (transactional survey, through the frequency rules).
  await call(base, token, "POST", "/events", {
    id: "demo-onboarding-CRM-1002",
    type: "stage.reached",
    stage: "onboarding",
    accountExternalId: "CRM-1002",
    occurredAt: now.toISOString(),
  }).catch((error) => console.warn(`Demo data: journey event not sent (${error.message}).`));
  await scoreEverything(base, token);
  return `${ACCOUNTS.length} accounts, their contacts, 2 published surveys, ${history} past answers over ${HISTORY_QUARTERS} quarters (imported), ${invited} invitations this quarter (${answered} answered), scores computed`;
}
