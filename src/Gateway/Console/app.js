// The operator console: signs in (the operator's token kept in an HttpOnly cookie), then routes #/… to a page.
import { state, h, showError, showInfo, dropCharts, loadSites } from "./lib.js";
import * as overview from "./overview.js";
import * as chargers from "./chargers.js";
import * as sessions from "./sessions.js";
import * as sites from "./sites.js";
import * as tariffs from "./tariffs.js";
import * as people from "./people.js";
import * as billing from "./billing.js";
import * as reports from "./reports.js";

const $ = (id) => document.getElementById(id);
const consoleState = (window.chargeConsole = { ready: false, page: "", loads: 0 });

/** Route table: the hash's path → page renderer (params from the path). */
const routes = [
  [/^\/?$/, overview.render],
  [/^\/chargers$/, chargers.list],
  [/^\/chargers\/(.+)$/, chargers.page],
  [/^\/sessions$/, sessions.list],
  [/^\/sessions\/(.+)$/, sessions.page],
  [/^\/sites$/, sites.list],
  [/^\/sites\/(.+)$/, sites.page],
  [/^\/tariffs$/, tariffs.list],
  [/^\/tariffs\/(.+)$/, tariffs.page],
  [/^\/tokens$/, people.tokens],
  [/^\/customers$/, people.customers],
  [/^\/billing$/, billing.render],
  [/^\/reports$/, reports.render],
];

let cleanup = null;

async function route() {
  const path = decodeURI(location.hash.replace(/^#/, "").split("?")[0]);
  cleanup?.();
  cleanup = null;
  dropCharts();
  showInfo("");
  consoleState.ready = false;
  for (const a of document.querySelectorAll("#nav a[href^='#']")) {
    const target = a.getAttribute("href").slice(1);
    a.classList.toggle("current", target === "/" ? path === "/" || path === "" : path.startsWith(target));
  }
  if (window.matchMedia("(max-width: 760px)").matches) {
    $("nav").hidden = true;
    $("menu").setAttribute("aria-expanded", "false");
  }
  const main = $("main");
  main.replaceChildren();
  for (const [pattern, render] of routes) {
    const match = path.match(pattern);
    if (!match) continue;
    consoleState.page = path;
    try {
      const params = match.slice(1).map(decodeURIComponent);
      const stop = await render(main, ...params);
      if (typeof stop === "function") cleanup = stop;
      consoleState.loads++;
      consoleState.ready = true;
    } catch (e) {
      showError(e);
      consoleState.ready = true;
    }
    return;
  }
  main.append(h("p", { className: "empty" }, "There is no such page. ", h("a", { href: "#/" }, "Go to the overview.")));
  consoleState.ready = true;
}

function signedOut() {
  state.me = null;
  $("login").hidden = false;
  $("main").replaceChildren();
  $("sign-out").hidden = true;
  $("who").textContent = "";
  consoleState.ready = true;
}
state.onSignedOut = signedOut;

async function signedIn(me) {
  state.me = me;
  $("login").hidden = true;
  $("sign-out").hidden = false;
  $("who").textContent = me.subject ? `signed in: ${me.subject}` : "signed in";
  if (!window.matchMedia("(max-width: 760px)").matches) $("nav").hidden = false;
  await loadSites();
  await route();
}

$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const token = $("token-input").value.trim();
  const response = await fetch("/console/session", { method: "POST", headers: { authorization: `Bearer ${token}`, "x-charge-console": "1" } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    $("login-error").textContent = response.status === 403
      ? "This token is not an operator's: the console is for operators only."
      : `The token was refused: ${body.message || response.status}`;
    $("login-error").hidden = false;
    return;
  }
  $("login-error").hidden = true;
  $("token-input").value = "";
  await signedIn(await response.json()).catch(showError);
});

$("sign-out").addEventListener("click", async () => {
  await fetch("/console/session", { method: "DELETE", headers: { "x-charge-console": "1" } });
  signedOut();
});

$("menu").addEventListener("click", () => {
  $("nav").hidden = !$("nav").hidden;
  $("menu").setAttribute("aria-expanded", String(!$("nav").hidden));
});

window.addEventListener("hashchange", () => { if (state.me) route(); });

(async () => {
  const response = await fetch("/console/session", { headers: { "x-charge-console": "1" } });
  if (response.ok) await signedIn(await response.json()).catch(showError);
  else signedOut();
})();
