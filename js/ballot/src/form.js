// The ballot page's behaviour (groupnet/web/templates/ballot.html): a member makes
// their credential and casts their ballot here, in the page, and the node receives
// only the public credential and the finished ballot.
//
// It runs only on a page with a #ballot-vote section. Until it runs, the page shows
// the command line's route; it shows the in-page forms only once it has what they
// need. Requests go to the client API with the session cookie and the page's CSRF
// token in X-CSRF-Token, as the API asks of a browser. A refusal is shown as the
// node's (or this script's) sentence in the page's alert region. Nothing about the
// credential or the vote is written to the console.

import { BallotError } from "./ballot.js";
import { castBallot, makeCredential, storedCredential } from "./page.js";

const RECEIPT = "groupnet/ballot/receipt/";

function byId(id) {
  return document.getElementById(id);
}

function show(id, shown) {
  const element = byId(id);
  if (element) element.hidden = !shown;
}

function say(id, text) {
  const element = byId(id);
  if (element) {
    element.textContent = text;
    element.hidden = !text;
  }
}

// A refusal's sentence, as people read it: a capital first letter and a full stop.
function sentence(reason) {
  const text = reason.charAt(0).toUpperCase() + reason.slice(1);
  return /[.?!]$/.test(text) ? text : text + ".";
}

function refuse(reason) {
  const region = byId("vote-refusal");
  region.textContent = "";
  if (reason) {
    const strong = document.createElement("strong");
    strong.textContent = "Refused: ";
    region.append(strong, sentence(reason));
  }
  region.classList.toggle("refusal", Boolean(reason));
}

class Refusal extends Error {}

async function api(section, method, path, body) {
  const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.headers["X-CSRF-Token"] = section.dataset.csrf;
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    throw new Refusal("this node could not be reached; nothing was sent. Check your connection and try again");
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Refusal(answer.error?.reason ?? `this node answered ${response.status}; nothing was done`);
  }
  return answer;
}

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function keptReceipt(ballot) {
  const kept = storage()?.getItem(RECEIPT + ballot);
  return kept ? JSON.parse(kept) : null;
}

// A moment as the page's own times read, in the group's time zone: "1 January 2027 at
// 20:59:39 UTC".
function when(ms, zone) {
  const shown = { day: "numeric", month: "long", year: "numeric", hour: "2-digit",
    minute: "2-digit", second: "2-digit", timeZoneName: "short" };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...shown, timeZone: zone }).format(new Date(ms));
  } catch {
    return new Intl.DateTimeFormat("en-GB", shown).format(new Date(ms));
  }
}

function showReceipt(section, receipt) {
  if (!receipt) return;
  say("receipt-tracker", receipt.tracker);
  say("receipt-entry", receipt.entry);
  say("receipt-seq", String(receipt.seq));
  say("receipt-time", receipt.ts ? when(receipt.ts, section.dataset.zone || undefined) : "");
  show("receipt", true);
  const find = byId("tracker");
  if (find && !find.value) find.value = receipt.tracker;
}

async function showListed(section, credential) {
  const status = await api(section, "GET",
    `/api/v1/ballots/${section.dataset.ballot}/credentials/${credential.public}`);
  if (!status.listed) {
    say("credential-state", "This browser holds your voting credential, but it is not on the list yet.");
    return false;
  }
  say("credential-state", "Your credential is on the list. Vote from this device and browser once the ballot opens." +
    (status.counts === false ? " (The list did not reach the network by the opening, so it does not count.)" : ""));
  return true;
}

async function enrol(section) {
  const ballot = section.dataset.ballot;
  const button = byId("make-credential");
  button.disabled = true;
  refuse("");
  try {
    const credential = storedCredential({ name: ballot }) ?? makeCredential({ name: ballot });
    await api(section, "POST", `/api/v1/ballots/${ballot}/credentials`,
      { credentials: [credential.public] });
    if (await showListed(section, credential)) show("make-credential", false);
  } catch (error) {
    if (!(error instanceof Refusal || error instanceof BallotError)) throw error;
    refuse(error.message);
    const kept = storedCredential({ name: ballot });
    if (kept) button.textContent = "Put this device's credential on the list";
  } finally {
    button.disabled = false;
  }
}

// The marks of each question, 0 or 1 per choice, as the form holds them; a question
// marked outside its least and most is refused here, before anything is drawn (the
// node refuses such a ballot too: its count proof cannot hold).
function marks(form, questions) {
  return questions.map((q, n) => {
    const inputs = [...form.querySelectorAll(`input[name="q${n}"]`)];
    const marked = inputs.map((input) => (input.checked ? 1 : 0));
    const count = marked.reduce((sum, m) => sum + m, 0);
    if (count > q.most) {
      throw new Refusal(`question ${n + 1} (“${q.text}”) takes at most ${q.most} ` +
        `${q.most === 1 ? "choice" : "choices"}; you marked ${count}, so nothing was sent (BALLOTS 5.1)`);
    }
    if (count < q.least) {
      throw new Refusal(`question ${n + 1} (“${q.text}”) needs ${q.least === q.most ? "" : "at least "}` +
        `${q.least} ${q.least === 1 ? "choice" : "choices"} marked; you marked ${count}, so nothing was sent (BALLOTS 5.1)`);
    }
    return marked;
  });
}

async function vote(section, form, credential) {
  const ballot = section.dataset.ballot;
  const button = byId("cast-ballot");
  button.disabled = true;
  refuse("");
  try {
    const described = await api(section, "GET", `/api/v1/ballots/${ballot}`);
    const chosen = marks(form, described.questions);
    if (!described.key?.public_key) {
      throw new Refusal(`the election key is not made yet (${described.key?.reason ?? "no key"})`);
    }
    const election = {
      election_id: ballot,
      public_key: described.key.public_key,
      questions: described.questions.map((q) => [q.choices.length, q.least, q.most]),
    };
    const made = castBallot(election, credential, chosen);
    const receipt = await api(section, "POST", `/api/v1/ballots/${ballot}/cast`, { ballot: made.ballot });
    if (receipt.tracker !== made.tracker) {
      throw new Refusal("the node answered a receipt for another ballot than the one this page made; keep this page and show it to your group");
    }
    storage()?.setItem(RECEIPT + ballot, JSON.stringify(receipt));
    showReceipt(section, receipt);
  } catch (error) {
    if (!(error instanceof Refusal || error instanceof BallotError)) throw error;
    refuse(error.message);
  } finally {
    button.disabled = false;
  }
}

async function start(section) {
  const ballot = section.dataset.ballot;
  const phase = section.dataset.phase;
  show("vote-without-script", false);
  show("vote-in-page", true);
  say("credential-state", "");
  showReceipt(section, keptReceipt(ballot));
  let credential = null;
  try {
    credential = storedCredential({ name: ballot });
  } catch (error) {
    if (!(error instanceof BallotError)) throw error;
    refuse(error.message);
  }
  if (phase === "enrol") {
    const button = byId("make-credential");
    button.addEventListener("click", () => enrol(section));
    const listed = credential ? await showListed(section, credential).catch((error) => {
      refuse(error.message);
      return false;
    }) : false;
    if (credential && !listed) button.textContent = "Put this device's credential on the list";
    show("make-credential", !listed);
  } else if (phase === "vote") {
    const form = byId("vote-form");
    if (!credential) {
      show("no-credential", true);
      return;
    }
    say("credential-state", "This browser holds your voting credential for this ballot.");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      vote(section, form, credential);
    });
    show("vote-form", true);
  }
}

const section = globalThis.document?.getElementById("ballot-vote");
if (section) start(section);
