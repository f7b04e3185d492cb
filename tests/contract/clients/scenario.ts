// The council scenario of tests/contract/test_generated_clients.py, through the TypeScript client @hey-api/openapi-ts
// generates from openapi/openapi.json (into ./generated, beside this file, when the test runs). Type-checked with
// tsc --strict, then run with tsx. Reads SOS_BASE_URL and the tokens from the environment; prints one JSON line
// of what came back, and exits non-zero on anything unexpected.
import { createClient, createConfig } from "./generated/client";
import {
  createCase,
  createContribution,
  createMap,
  listChanges,
  upsertPersonByIdentifier,
} from "./generated/sdk.gen";
import type { ChangePage, HealthAttendance, PersonCreate } from "./generated/types.gen";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(what);
}

const baseUrl = env("SOS_BASE_URL");
const as = (token: string) => createClient(createConfig({ baseUrl, auth: () => token }));
const worker = as(env("SOS_WORKER_TOKEN"));
const sync = as(env("SOS_SYNC_TOKEN"));
const hospital = as(env("SOS_PARTNER_TOKEN"));
const run = env("SOS_RUN");

async function upsert(value: string, body: PersonCreate): Promise<string> {
  const identifier = `la_person_id|${value}`;
  const { data, response } = await upsertPersonByIdentifier({ client: worker, query: { identifier }, body });
  check(response.status === 201 && data !== undefined, `upsert ${value}: ${response.status}`);
  return data.id;
}

async function main(): Promise<void> {
  const child = await upsert(`TSC${run}`, {
    given_names: "Ada",
    family_name: "Okafor",
    date_of_birth: "2019-04-02",
    identifiers: [{ system: "la_person_id", value: `TSC${run}` }],
  });
  const mum = await upsert(`TSM${run}`, {
    given_names: "Grace",
    family_name: "Okafor",
    identifiers: [{ system: "la_person_id", value: `TSM${run}` }],
  });

  const made = await createCase({
    client: worker,
    body: {
      family_label: "Okafor family",
      opened_on: "2026-10-01",
      members: [
        { person_id: child, role: "child" },
        { person_id: mum, role: "parent" },
      ],
    },
  });
  check(made.response.status === 201 && made.data !== undefined, `createCase: ${made.response.status}`);
  const caseId = made.data.id;

  const map = await createMap({
    client: worker,
    path: { case_id: caseId },
    body: { children: [child], context: "assessment", framing: "safety", mapped_on: "2026-10-05" },
  });
  check(map.response.status === 201 && map.data !== undefined, `createMap: ${map.response.status}`);

  // The feed to its end: follow next_cursor until a page comes back empty. The feed only lists transactions below
  // the server's horizon (none older still running), so an empty page before this scenario's changes have come
  // means wait a moment and ask again with the cursor it gave.
  const wanted = [`person:${child}`, `person:${mum}`, `case:${caseId}`, `assessment_map:${map.data.id}`];
  const seen: string[] = [];
  const deadline = Date.now() + 60_000;
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await listChanges({ client: sync, query: { limit: 2, cursor } });
    check(page.response.status === 200 && page.data !== undefined, `listChanges: ${page.response.status}`);
    const body: ChangePage = page.data;
    pages += 1;
    seen.push(...body.items.map((item) => `${item.type}:${item.id}`));
    cursor = body.next_cursor;
    if (body.items.length === 0) {
      if (wanted.every((change) => seen.includes(change))) break;
      check(Date.now() < deadline, `the feed gave ${seen.join(", ")}, not all of ${wanted.join(", ")}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const attendance: HealthAttendance = {
    kind: "health_attendance",
    la_code: "845",
    subject: { given_names: "Ada", family_name: "Okafor", date_of_birth: "2019-04-02" },
    contributor: { name: "Riverside NHS Trust", code: "RX1", code_system: "ods" },
    author: { name: "Sam Nurse", role: "Named nurse", email: "named.nurse@example.nhs.uk" },
    agency_type: "hospital",
    narrative: "Ada came to the emergency department with a bruise to her cheek.",
    worries: { harm: "A bruise to the cheek, the second this month." },
    working_well: { strengths: "Mum brought Ada in straight away." },
    setting: "emergency_department",
    attended_at: "2026-11-01T21:30:00Z",
    reason: "Bruise to the left cheek.",
  };
  const key = `ts-${run}`;
  const sends = [];
  for (let i = 0; i < 2; i += 1) {
    const sent = await createContribution({ client: hospital, body: attendance, headers: { "Idempotency-Key": key } });
    sends.push({
      status: sent.response.status,
      body: sent.data,
      replayed: sent.response.headers.get("Idempotency-Replayed"),
    });
  }
  console.log(JSON.stringify({ people: [child, mum], case: caseId, map: map.data.id, seen, pages, sends }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
