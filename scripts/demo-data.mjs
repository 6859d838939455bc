// Demo data for `npm start`, loaded through the public admin API (so it exercises the same code as a real
// client) into an empty local database: accounts of very different revenue, contacts in every default role,
// a relational NPS + OSAT survey, a transactional onboarding CES survey, and a first round of invitations
// whose emails land in the outbox.

const OWNERS = {
  maya: { ownerEmail: "maya.lindqvist@quorum.example", ownerName: "Maya Lindqvist" },
  tom: { ownerEmail: "tom.okafor@quorum.example", ownerName: "Tom Okafor" },
};

// Heavy-tailed like real B2B: the first two accounts hold most of the revenue.
const ACCOUNTS = [
  { externalId: "CRM-1001", name: "Nordwind Logistik AG", annualRevenue: 2_400_000, country: "DE", segment: "Enterprise", locale: "de", ...OWNERS.maya },
  { externalId: "CRM-1002", name: "Atlas Health Systems", annualRevenue: 950_000, country: "US", segment: "Enterprise", locale: "en", ...OWNERS.tom },
  { externalId: "CRM-1003", name: "Banque Lumière", annualRevenue: 380_000, country: "FR", segment: "Mid-market", locale: "fr", ...OWNERS.maya },
  { externalId: "CRM-1004", name: "Meridian Retail Group", annualRevenue: 120_000, country: "GB", segment: "Mid-market", locale: "en", ...OWNERS.tom },
  { externalId: "CRM-1005", name: "Soluciones Pampa", annualRevenue: 45_000, country: "ES", segment: "SMB", locale: "es", ...OWNERS.maya },
  { externalId: "CRM-1006", name: "Kettle & Finch Studio", annualRevenue: 9_000, country: "GB", segment: "SMB", locale: "en", ...OWNERS.tom },
];

const ROLES = ["decision_maker", "executive_sponsor", "champion", "finance", "technical_evaluator", "project_manager", "end_user"];
const FIRST_NAMES = ["Anna", "Ben", "Carla", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kaito", "Lena"];
const LAST_NAMES = ["Berg", "Costa", "Dubois", "Evans", "Fischer", "García", "Hansen", "Ito", "Jensen", "Klein"];

function contactsFor(account, index) {
  // Large accounts have the whole committee; the smallest only a few people.
  const roles = index < 3 ? ROLES : ROLES.slice(0, 7 - index);
  const domain = account.name.toLowerCase().replace(/[^a-z]+/g, "").slice(0, 14) + ".example";
  return roles.map((role, i) => {
    const first = FIRST_NAMES[(index * 3 + i) % FIRST_NAMES.length];
    const last = LAST_NAMES[(index * 5 + i) % LAST_NAMES.length];
    return {
      accountExternalId: account.externalId,
      email: `${first}.${last}`.toLowerCase().normalize("NFD").replace(/[^a-z.]/g, "") + `@${domain}`,
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

// Some contacts answer at once (through the real survey form), so the first scoring run has something to show:
// a promoter at the largest account, a detractor at the third, a passive at the fourth. The others wait in the outbox.
const DEMO_ANSWERS = {
  "CRM-1001": { nps: "9", osat: "5" },
  "CRM-1003": { nps: "4", why: "Reports are slow to load every Monday morning.", osat: "2" },
  "CRM-1004": { nps: "7", osat: "4" },
};

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
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${data?.detail ?? text.slice(0, 300)}`);
  return data;
}

export async function seedDemoData(base, token) {
  const existing = await call(base, token, "GET", "/accounts?limit=1");
  if (existing.items.length > 0) {
    console.log("Demo data: the database already has accounts; leaving it as it is.");
    return;
  }
  const accounts = ACCOUNTS.map(({ locale: _locale, ...account }) => ({ ...account, customerSince: "2024-01-15" }));
  await call(base, token, "POST", "/accounts/import", accounts);
  await call(base, token, "POST", "/contacts/import", ACCOUNTS.flatMap(contactsFor));

  const relational = await call(base, token, "POST", "/surveys", RELATIONAL_SURVEY);
  await call(base, token, "POST", `/surveys/${relational.id}/publish`);
  const onboarding = await call(base, token, "POST", "/surveys", ONBOARDING_SURVEY);
  await call(base, token, "POST", `/surveys/${onboarding.id}/publish`);

  // A first relational invitation for each account's decision maker and champion: their emails land in the outbox.
  let invited = 0;
  let answered = 0;
  for (const account of (await call(base, token, "GET", "/accounts?limit=100")).items) {
    const { items } = await call(base, token, "GET", `/contacts?accountId=${account.id}&limit=100`);
    for (const contact of items.filter((c) => c.role === "decision_maker" || c.role === "champion")) {
      const invitation = await call(base, token, "POST", "/invitations", { contactId: contact.id, surveyId: relational.id });
      invited++;
      const answers = contact.role === "decision_maker" && DEMO_ANSWERS[account.externalId];
      if (answers && invitation.surveyUrl) {
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
    occurredAt: new Date().toISOString(),
  }).catch((error) => console.warn(`Demo data: journey event not sent (${error.message}).`));
  await call(base, token, "POST", "/scoring/runs");
  console.log(`Demo data: ${ACCOUNTS.length} accounts, their contacts, 2 published surveys, ${invited} invitations (${answered} answered), scores computed.`);
}
