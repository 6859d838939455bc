// CRM exports as the products write them (header names, value styles, line endings), written for these tests.
// Ids get a per-test suffix so files stay independent in the shared per-file D1.

/** Salesforce "Accounts" report export (US locale): CRLF, quoted money with currency, M/D/YYYY dates, 18-char ids. */
export function salesforceAccounts(t: string): string {
  return [
    '"Account ID","Account Name","Type","Parent Account ID","Billing Country","Industry","Annual Revenue","Account Owner","Customer Since","Created Date"',
    `"0015g00000Sf${t}AAA","Globex Corporation","Customer - Direct","","United States","Manufacturing","USD 12,500,000.00","Olivia Owner","3/15/2021","3/1/2021, 9:14 AM"`,
    `"0015g00000Sf${t}AAB","Globex GmbH","Customer - Channel","0015g00000Sf${t}AAA","Germany","Manufacturing","$2,400,000.00","Olivia Owner","11/2/2022","10/30/2022, 4:02 PM"`,
    `"0015g00000Sf${t}AAC","Initech","Customer - Direct","","Canada","Technology","850,000","Peter Gibbons","1/31/2020","1/15/2020, 11:00 AM"`,
    `"0015g00000Sf${t}AAD","Umbrella Corp","Former Customer","","United Kingdom","Biotechnology","1,000,000.00","Alice Abernathy","6/1/2019","5/20/2019, 8:30 AM"`,
  ].join("\r\n") + "\r\n";
}

/** Salesforce "Contacts" Data Loader export: Title instead of a role, Email Opt Out as true/false, LF line endings. */
export function salesforceContacts(t: string): string {
  return [
    '"Contact ID","Account ID","First Name","Last Name","Title","Email","Email Opt Out","Mailing Country","Contact Owner"',
    `"0035g00000Ct${t}AAA","0015g00000Sf${t}AAA","Hank","Scorpio","CEO","hank.${t}@globex.example","false","United States","Olivia Owner"`,
    `"0035g00000Ct${t}AAB","0015g00000Sf${t}AAA","Frank","Grimes","VP Finance","frank.${t}@globex.example","true","United States","Olivia Owner"`,
    `"0035g00000Ct${t}AAC","0015g00000Sf${t}AAC","Bill","Lumbergh","Director of IT","bill.${t}@initech.example","false","Canada","Peter Gibbons"`,
  ].join("\n") + "\n";
}

/** HubSpot "Companies" export: Record ID, Company name, Country/Region as names, plain revenue, ISO date-times. */
export function hubspotCompanies(t: string): string {
  return [
    "Record ID,Company name,Company owner,Create Date,Country/Region,Industry,Annual Revenue,Parent Company ID,Became a Customer Date",
    `98${t}01,Hooli,Gavin Belson,2020-04-01 10:32,United States,COMPUTER_SOFTWARE,5000000,,2020-05-01 00:00`,
    `98${t}02,Hooli XYZ,Gavin Belson,2021-06-12 14:05,Deutschland,COMPUTER_SOFTWARE,750000,98${t}01,2021-07-01 00:00`,
    `98${t}03,Pied Piper,Richard Hendricks,2022-01-10 09:00,France,COMPUTER_SOFTWARE,120000.5,,2022-02-15 00:00`,
  ].join("\r\n");
}

/** HubSpot "Contacts" export: Buying Role labels of HubSpot, language names, "Unsubscribed from all email". */
export function hubspotContacts(t: string): string {
  return [
    "Record ID,First Name,Last Name,Email,Contact owner,Job Title,Buying Role,Preferred language,Unsubscribed from all email,Associated Company IDs (Primary),Lifecycle Stage",
    `51${t}01,Monica,Hall,monica.${t}@hooli.example,Gavin Belson,CFO,Budget Holder,English,false,98${t}01,Customer`,
    `51${t}02,Jared,Dunn,jared.${t}@hooli.example,Gavin Belson,Head of Ops,Influencer,German,,98${t}01,Customer`,
    `51${t}03,Erlich,Bachman,erlich.${t}@hooli.example,Gavin Belson,Advisor,Champion,English,true,98${t}02,Customer`,
    `51${t}04,Dinesh,Chugtai,dinesh.${t}@piedpiper.example,Richard Hendricks,Engineer,End User,French,false,98${t}03;98${t}01,Customer`,
  ].join("\n");
}

/** A German spreadsheet export: semicolons, decimal comma, dotted thousands, DD.MM.YYYY, its own header names. */
export function germanAccounts(t: string): string {
  return [
    "Kundennummer;Firma;Jahresumsatz;Land;Kunde seit",
    `DE-${t}-1;Müller Maschinenbau GmbH;1.000.000;Deutschland;01.02.2020`,
    `DE-${t}-2;Schmidt & Söhne KG;10.000.000,00 €;Österreich;15.03.2019`,
    `DE-${t}-3;Weber AG;2.500.000;Schweiz;31.12.2021`,
    `DE-${t}-4;Klein GmbH;"750.000,50";Deutschland;05.06.2022`,
  ].join("\r\n");
}

/** Delighted-style history export: one NPS answer per row, timestamps with their UTC offset, CRLF. */
export function delightedHistory(emails: string[]): string {
  const rows = [
    [emails[0], "2025-02-03 14:22:10 +0100", "10", '"Great onboarding, fast answers"'],
    [emails[1], "2025-02-20 09:00:00 +0000", "6", '"Too many invoices, confusing"'],
    [emails[0], "2025-05-10 11:30:00 -0400", "9", ""],
    [emails[1], "2025-08-14 16:45:00 +0200", "3", '"Support never calls back, ""urgent"" tickets wait a week"'],
  ];
  return ["Response ID,Email,Score,Comment,Response Timestamp", ...rows.map((r, i) => [`R${i + 1}`, r[0], r[2], r[3], r[1]].join(","))].join("\r\n");
}

/** Qualtrics "CSV, numeric values" export: three header rows (ids, question texts, ImportId JSON), then answers. */
export function qualtricsHistory(emails: string[]): string {
  const importIds = ["startDate", "endDate", "status", "recordedDate", "_recordId", "recipientEmail", "QID1", "QID1_NPS_GROUP", "QID2_TEXT"];
  return [
    "StartDate,EndDate,Status,RecordedDate,ResponseId,RecipientEmail,Q1,Q1_NPS_GROUP,Q2",
    'Start Date,End Date,Response Type,Recorded Date,Response ID,Recipient Email,"How likely are you to recommend Acme to a friend or colleague?",How likely are you to recommend Acme to a friend or colleague? - Group,What is the main reason for your score?',
    importIds.map((id) => `"{""ImportId"":""${id}"",""timeZone"":""UTC""}"`).join(","),
    `2024-03-15 10:22:33,2024-03-15 10:24:01,0,2024-03-15 10:24:02,R_1a2b3c4d,${emails[0]},9,3,"Quick answers, fair price"`,
    `2024-04-02 08:00:00,2024-04-02 08:01:10,0,2024-04-02 08:01:11,R_5e6f7g8h,${emails[1]},4,1,`,
  ].join("\r\n");
}

/** SurveyMonkey export: a second header row ("Response", "Open-Ended Response"), US date-times with AM/PM. */
export function surveyMonkeyHistory(emails: string[]): string {
  return [
    "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,How likely is it that you would recommend this company to a friend or colleague?,What is the primary reason for your score?",
    ",,,,,,,,,Response,Open-Ended Response",
    `114236547890,431234567,03/15/2024 10:20:11 AM,03/15/2024 10:22:33 AM,,${emails[0]},Jared,Dunn,,7,"Slow onboarding, but good people"`,
    `114236547891,431234567,06/30/2024 04:05:00 PM,06/30/2024 04:06:40 PM,,${emails[1]},Monica,Hall,,10,`,
  ].join("\n");
}
