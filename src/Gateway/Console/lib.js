// The console's building blocks: the API client (the same REST API every caller uses, with the sign-in cookie),
// element builders, tables that become cards on a phone, confirmation dialogs, times in a site's zone.

/** What the console knows across pages: the sites (for their time zones) and who is signed in. */
export const state = { sites: new Map(), me: null, onSignedOut: () => {} };

export class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** One API call. The cookie is sent with the console header, without which the API ignores it (no cross-site use). */
export async function api(path, { method = "GET", body, signal } = {}) {
  const headers = { "x-charge-console": "1" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method, headers, signal, credentials: "same-origin",
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  if (response.status === 401) {
    state.onSignedOut();
    throw new ApiError(401, {}, "Signed out: sign in again.");
  }
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    const error = type.includes("json") ? await response.json().catch(() => ({})) : { message: await response.text().catch(() => "") };
    throw new ApiError(response.status, error, error.message || `${method} ${path}: HTTP ${response.status}`);
  }
  if (response.status === 204) return null;
  return type.includes("json") ? response.json() : response.text();
}

/** A server-streaming call (one JSON message per line), until it ends or the signal aborts it. */
export async function stream(path, onMessage, signal) {
  const response = await fetch(path, { headers: { "x-charge-console": "1" }, signal, credentials: "same-origin" });
  if (!response.ok) throw new ApiError(response.status, {}, `${path}: HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim().replace(/^[[,]/, "").replace(/]$/, "");
      buffer = buffer.slice(newline + 1);
      if (line) onMessage(JSON.parse(line));
    }
  }
}

/** An element: h("a", { href: "#/x", className: "c" }, "text", child). Strings become text, never HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "className") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k in el && typeof v !== "string") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export const link = (href, text) => h("a", { href }, text);
export const enc = encodeURIComponent;
export const fmt = (n, digits = 1) =>
  Number(n ?? 0).toLocaleString("en-GB", { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const kwh = (wh) => `${fmt((wh ?? 0) / 1000, 3)} kWh`;
export const kw = (w) => `${fmt((w ?? 0) / 1000, 1)} kW`;
export const money = (cost) => (cost ? `${cost.currency} ${cost.total?.inclVat ?? cost.inclVat}` : "no tariff");
export const stateName = (s) => (s || "").replace(/^SESSION_STATE_|^CONNECTOR_STATUS_/, "").toLowerCase();

/** Sites and their zones: times of a site's chargers and sessions are told in its zone. */
export async function loadSites() {
  const sites = (await api("/v1/sites")).sites || [];
  state.sites = new Map(sites.map((s) => [s.siteId, s]));
}

/** The zone a charger's or site's times are told in: its site's, else UTC. */
export const zoneOfSite = (siteId) => state.sites.get(siteId)?.timeZone || "UTC";

/** An instant as yyyy-MM-dd HH:mm and the zone's name, in the given IANA zone (UTC when none). */
export function when(iso, zone = "UTC", withSeconds = false) {
  if (!iso) return "–";
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: withSeconds ? "2-digit" : undefined, hourCycle: "h23", timeZoneName: "short",
  }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${withSeconds ? `:${parts.second}` : ""} ${parts.timeZoneName}`;
}

export const isoDate = (d) => d.toISOString().slice(0, 10);
export const daysAgo = (n) => isoDate(new Date(Date.now() - n * 86400000));

/**
 * A table of rows; each column { label, value(row) → text or node, className }. On a phone the rows become cards:
 * every cell carries its column's label. With no rows, the empty state says what to do next.
 */
export function table(columns, rows, empty, { id } = {}) {
  if (!rows || rows.length === 0) return h("p", { className: "empty", id }, empty);
  return h("table", { className: "cards", id },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { className: c.className }, c.label)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, columns.map((c) => h("td", { className: c.className, dataset: { label: c.label } }, c.value(row)))))));
}

/** A card section with a heading. */
export const card = (title, ...children) => h("section", { className: "card" }, h("h2", {}, title), ...children);

/** A definition list of [label, value] pairs. */
export const facts = (pairs) => h("dl", { className: "facts" }, pairs.filter(Boolean).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "–")]));

/** Shows an error where the page shows messages; a validation error also marks the field it names. */
export function showError(error, form) {
  const message = error?.message || String(error);
  const box = document.getElementById("message");
  box.textContent = message;
  box.className = "error";
  box.hidden = false;
  if (form) {
    // The field the message names first (the API starts its messages with the field, e.g. "time_of_day[0].start").
    const inputs = [...form.querySelectorAll("[name]")];
    const named = inputs
      .map((input) => ({ input, at: message.indexOf(input.name) }))
      .filter((x) => x.at >= 0)
      .sort((a, b) => a.at - b.at || b.input.name.length - a.input.name.length)[0]?.input
      // A form whose refusals are about one document (a tariff's JSON) shows them there.
      ?? (form.dataset.defaultField ? form.querySelector(`[name="${form.dataset.defaultField}"]`) : null);
    for (const input of inputs) {
      input.setAttribute("aria-invalid", input === named ? "true" : "false");
      input.parentElement.querySelector(".field-error")?.remove();
    }
    if (named) named.parentElement.append(h("span", { className: "field-error" }, message));
  }
}

export function showInfo(message) {
  const box = document.getElementById("message");
  box.textContent = message;
  box.className = "info";
  box.hidden = !message;
}

/**
 * Asks before an action and shows what came back (the charger's answer, or the API's refusal). run() returns the
 * text to show; the dialog stays open on the answer until the operator closes it.
 */
export function confirmAction(title, explanation, run, extra) {
  const dialog = h("dialog", { className: "confirm" });
  const answer = h("p", { className: "answer", role: "status" });
  const yes = h("button", { type: "button", className: "danger" }, "Confirm");
  const no = h("button", { type: "button" }, "Cancel");
  dialog.append(h("h2", {}, title), h("p", {}, explanation), extra || "", answer, h("div", { className: "buttons" }, yes, no));
  document.body.append(dialog);
  no.addEventListener("click", () => { dialog.close(); dialog.remove(); });
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    answer.textContent = "Sending…";
    try {
      answer.textContent = await run();
      answer.className = "answer ok";
    } catch (e) {
      answer.textContent = e.message;
      answer.className = "answer error";
    }
    yes.hidden = true;
    no.textContent = "Close";
  });
  dialog.showModal();
  return dialog;
}

/** The answer a charger gave a command, in words. */
export const commandAnswer = (r) => `The charger answered: ${r?.status || "(no answer)"}`;

/**
 * Paging over next_page_token: renders a page with load(token) and Previous/Next buttons; tokens seen are kept so
 * Previous goes back.
 */
export function pager(container, load) {
  const tokens = [""];
  let index = 0;
  const prev = h("button", { type: "button" }, "Previous");
  const next = h("button", { type: "button" }, "Next");
  const where = h("span", { className: "muted" });
  const nav = h("nav", { className: "pager" }, prev, where, next);
  async function show() {
    const nextToken = await load(tokens[index]);
    if (nextToken && tokens.length === index + 1) tokens.push(nextToken);
    prev.disabled = index === 0;
    next.disabled = !nextToken;
    where.textContent = `page ${index + 1}`;
  }
  prev.addEventListener("click", () => { index--; show().catch(showError); });
  next.addEventListener("click", () => { index++; show().catch(showError); });
  container.append(nav);
  return show;
}

/** A form of labelled fields; fields: [{ name, label, type, value, options, placeholder, required }]. */
export function form(fields, submitText, onSubmit, { className } = {}) {
  const f = h("form", { className: className || "stack" },
    fields.map((x) => h("label", {}, h("span", {}, x.label),
      x.options
        ? h("select", { name: x.name }, x.options.map(([v, t]) => h("option", { value: v, selected: String(v) === String(x.value ?? "") }, t)))
        : x.type === "textarea"
          ? h("textarea", { name: x.name, rows: x.rows || 12, spellcheck: "false" }, x.value ?? "")
          : h("input", { name: x.name, type: x.type || "text", value: x.value ?? "", placeholder: x.placeholder, required: x.required, step: x.step, min: x.min, autocomplete: "off" }))),
    h("button", { type: "submit" }, submitText));
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    const values = Object.fromEntries(new FormData(f).entries());
    const button = f.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await onSubmit(values, f);
      for (const i of f.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
      for (const x of f.querySelectorAll(".field-error")) x.remove();
    } catch (err) {
      showError(err, f);
    } finally {
      button.disabled = false;
    }
  });
  return f;
}

/** Charts (Chart.js) the current page owns; a page change destroys them. */
export const charts = (window.chargeCharts = {});
export function chart(canvas, config, name) {
  charts[name]?.destroy();
  config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
  return (charts[name] = new window.Chart(canvas, config));
}

export function dropCharts() {
  for (const k of Object.keys(charts)) {
    charts[k].destroy();
    delete charts[k];
  }
}

/** The query of the page's hash (#/sessions?charger=CP-1). */
export function hashQuery() {
  const i = location.hash.indexOf("?");
  return new URLSearchParams(i < 0 ? "" : location.hash.slice(i + 1));
}

export function setHashQuery(path, query) {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== "" && v !== undefined && v !== null)).toString();
  const next = `#${path}${q ? `?${q}` : ""}`;
  if (location.hash !== next) history.replaceState(null, "", next);
}
