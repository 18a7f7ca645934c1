// The operator dashboard: reads the public REST API with the operator's bearer token; charts are Chart.js.
"use strict";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const dashboard = (window.dashboard = { ready: false, charts: {}, report: null, live: null, session: null, chargers: null, sessions: null });
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.hash.slice(1));
let token = params.get("token") || sessionStorage.getItem("charge-token") || "";
if (params.get("token")) {
  sessionStorage.setItem("charge-token", token);
  history.replaceState(null, "", location.pathname);
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

async function api(path) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (response.status === 401 || response.status === 403) {
    $("login").hidden = false;
    throw new Error("The token was refused: paste an operator token.");
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.message || `${path}: HTTP ${response.status}`);
  }
  return response.json();
}

/** Reads a server-streaming REST call (one JSON message per line) and calls onMessage for each. */
async function stream(path, onMessage, signal) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` }, signal });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) onMessage(JSON.parse(line));
    }
  }
}

function chart(id, config) {
  dashboard.charts[id]?.destroy();
  config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
  return (dashboard.charts[id] = new Chart($(id), config));
}

const fmt = (n, digits = 1) => Number(n).toLocaleString("en-GB", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const isoDate = (d) => d.toISOString().slice(0, 10);

async function loadReport() {
  const [scope, id] = $("scope").value.split(":");
  const query = new URLSearchParams({ scope, from: $("from").value, to: $("to").value });
  if (id) query.set("id", id);
  const report = (dashboard.report = await api(`/v1/reports/usage?${query}`));
  $("kpi-sessions").textContent = report.sessions ?? 0;
  $("kpi-energy").textContent = `${fmt(report.energyKwh ?? 0)} kWh`;
  $("kpi-avg-energy").textContent = `${fmt(report.averageEnergyPerSessionKwh ?? 0)} kWh`;
  $("kpi-avg-duration").textContent = `${fmt(report.averageDurationMinutes ?? 0, 0)} min`;
  $("kpi-utilisation").textContent = `${fmt((report.utilisation ?? 0) * 100)} %`;
  $("kpi-change").textContent = report.energyChangePercent === undefined ? "–" : `${report.energyChangePercent >= 0 ? "+" : ""}${fmt(report.energyChangePercent)} %`;

  // Revenue: the first currency's (most networks bill in one); every currency is in the report.
  const revenue = (report.revenue || [])[0];
  $("kpi-revenue").textContent = revenue ? `${revenue.currency} ${fmt(revenue.amount.inclVat, 2)}` : "–";
  $("kpi-revenue-kwh").textContent = revenue ? `${revenue.currency} ${fmt(revenue.perKwh.inclVat, 2)}` : "–";
  // Per kWh of the priced sessions only (those billed in this currency), not of every session counted above.
  $("kpi-revenue-kwh-scope").textContent = revenue
    ? `over ${revenue.sessions} priced session${revenue.sessions === 1 ? "" : "s"}, ${fmt(revenue.energyKwh, 1)} kWh`
    : "";
  $("kpi-availability").textContent = report.availablePercent === undefined ? "–" : `${fmt(report.availablePercent)} %`;
  const byDay = new Map((report.dailyRevenue || []).filter((p) => revenue && p.currency === revenue.currency).map((p) => [p.start, Number(p.amount.inclVat)]));
  $("revenue-currency").textContent = `${revenue ? revenue.currency : ""} incl. VAT per day`;
  chart("revenue", {
    type: "line",
    data: { labels: report.daily.map((p) => p.start), datasets: [{ label: "revenue", data: report.daily.map((p) => byDay.get(p.start) ?? 0), borderColor: "#3aa17e", fill: false }] },
  });
  chart("trend", {
    type: "line",
    data: { labels: report.daily.map((p) => p.start), datasets: [{ label: "kWh", data: report.daily.map((p) => p.energyKwh ?? 0), borderColor: "#2a7de1", fill: false }] },
  });
  chart("histogram", {
    type: "bar",
    data: { labels: report.energyPerSession.map((b) => b.label), datasets: [{ label: "sessions", data: report.energyPerSession.map((b) => b.sessions ?? 0), backgroundColor: "#3aa17e" }] },
  });
  const cells = [];
  report.energyKwhByWeekdayHour.forEach((row, weekday) => row.values.forEach((v, hour) => cells.push({ x: String(hour), y: WEEKDAYS[weekday], v })));
  const max = Math.max(0.0001, ...cells.map((c) => c.v));
  chart("heatmap", {
    type: "matrix",
    data: {
      datasets: [{
        label: "kWh",
        data: cells,
        backgroundColor: (c) => `rgba(225, 90, 42, ${0.05 + 0.95 * ((c.raw?.v ?? 0) / max)})`,
        width: ({ chart: ch }) => (ch.chartArea || {}).width / 24 - 1,
        height: ({ chart: ch }) => (ch.chartArea || {}).height / 7 - 1,
      }],
    },
    options: {
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => `${c.raw.y} ${c.raw.x}:00 — ${fmt(c.raw.v, 2)} kWh` } } },
      scales: {
        x: { type: "category", labels: Array.from({ length: 24 }, (_, h) => String(h)), offset: true, title: { display: true, text: "local hour" } },
        y: { type: "category", labels: WEEKDAYS, offset: true },
      },
    },
  });
}

function renderLive(load) {
  dashboard.live = load;
  $("live-at").textContent = new Date(load.at).toLocaleTimeString();
  $("live-sessions").textContent = load.activeSessions ?? 0;
  $("live-power").textContent = fmt(load.powerKw ?? 0);
  // The chargers on no site are one entry without a site ID.
  const labels = load.sites.map((s) => s.siteId || "(no site)");
  const power = load.sites.map((s) => s.powerKw ?? 0);
  // A site's grid limit in force (load balancing), where it has one.
  const limits = load.sites.map((s) => (s.limitKw === undefined ? null : s.limitKw));
  // A site drawing above its limit is red, and its limit marker is drawn over the bar, so it never disappears.
  const colors = load.sites.map((s) => (s.limitKw !== undefined && (s.powerKw ?? 0) > s.limitKw ? "#d11a2a" : "#2a7de1"));
  dashboard.overLimit = load.sites.filter((s) => s.limitKw !== undefined && (s.powerKw ?? 0) > s.limitKw).map((s) => s.siteId);
  $("over-limit").hidden = dashboard.overLimit.length === 0;
  $("over-limit").textContent = dashboard.overLimit.length === 0 ? "" : `Above its grid limit now: ${dashboard.overLimit.join(", ")}`;
  const live = dashboard.charts.live;
  if (live && live.data.labels.join() === labels.join()) {
    live.data.datasets[0].data = power;
    live.data.datasets[0].backgroundColor = colors;
    live.data.datasets[1].data = limits;
    live.update("none");
  } else {
    chart("live", {
      data: {
        labels,
        datasets: [
          { type: "bar", label: "kW now", data: power, backgroundColor: colors, order: 2 },
          { type: "line", label: "limit kW", data: limits, borderColor: "#e15a2a", borderWidth: 3, pointStyle: "line", pointRadius: 14, pointBorderWidth: 3, showLine: false, order: 1 },
        ],
      },
    });
  }
}

/** Watches the chosen scope's live load; a change of scope restarts the watch (restartLive). */
async function watchLive() {
  for (;;) {
    dashboard.liveWatch = new AbortController();
    try {
      const q = liveQuery();
      await stream(`/v1/live:watch?intervalSeconds=2${q ? `&${q}` : ""}`, renderLive, dashboard.liveWatch.signal);
    } catch (e) {
      if (e.name !== "AbortError") showError(`Live load: ${e.message}`);
    }
    if (!dashboard.liveWatch.signal.aborted) await new Promise((r) => setTimeout(r, 3000));
  }
}

function restartLive() {
  dashboard.liveWatch?.abort();
}

/** A table body from rows of cell values; a cell may be { text, className, href } (a link opens in a new tab). */
function fill(tableId, rows) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      const c = typeof cell === "object" && cell !== null ? cell : { text: cell };
      if (c.href) {
        const a = document.createElement("a");
        a.href = c.href;
        a.target = "_blank";
        a.rel = "noopener";
        a.textContent = c.text ?? "";
        td.append(a);
      } else {
        td.textContent = c.text ?? "";
      }
      if (c.className) td.className = c.className;
      tr.append(td);
    }
    return tr;
  }));
}

const chargerPowerKw = (c) => (c.connectors || []).reduce((sum, x) => sum + (x.powerW ?? 0), 0) / 1000;

/** The fleet table and the sessions in progress on it (with their live cost), for the chosen scope. */
async function loadChargers() {
  const [scope, id] = $("scope").value.split(":");
  const query = new URLSearchParams({ pageSize: "500" });
  if (scope === "site") query.set("siteId", id);
  const chargers = (await api(`/v1/chargers?${query}`)).chargers || [];
  dashboard.chargers = chargers;
  $("chargers-at").textContent = new Date().toLocaleTimeString();
  fill("chargers", chargers.map((c) => [
    c.chargerId,
    { text: c.status, className: `status-${c.status}` },
    c.online ? "yes" : "no",
    { text: fmt(chargerPowerKw(c)), className: "n" },
    c.lastSeen ? new Date(c.lastSeen).toLocaleString() : "never",
    [c.vendor, c.model].filter(Boolean).join(" "),
  ]));
  const running = chargers.flatMap((c) => (c.connectors || []).filter((x) => x.activeSessionId).map((x) => x.activeSessionId));
  const sessions = (dashboard.sessions = await Promise.all(running.map((s) => api(`/v1/sessions/${encodeURIComponent(s)}`))));
  fill("sessions", sessions.map((s) => [
    s.sessionId,
    s.chargerId,
    { text: fmt((s.energyWh ?? 0) / 1000, 3), className: "n" },
    { text: fmt((s.lastPowerW ?? 0) / 1000), className: "n" },
    { text: s.cost ? `${s.cost.currency} ${s.cost.total.inclVat}` : "no tariff", className: "n" },
  ]));
}

/** The scope's live-load query: a site's own, or the network's. */
function liveQuery() {
  const [scope, id] = $("scope").value.split(":");
  return scope === "site" ? `siteId=${encodeURIComponent(id)}` : "";
}

/** The scope's last completed sessions (the site's or the network's, last 7 days), newest stop first. */
async function loadCompleted() {
  const [scope, id] = $("scope").value.split(":");
  const query = new URLSearchParams({ from: new Date(Date.now() - 7 * 86400000).toISOString(), pageSize: "20" });
  if (scope === "site") query.set("siteId", id);
  const completed = (dashboard.completed = ((await api(`/v1/sessions?${query}`)).sessions || [])
    .filter((s) => s.state === "SESSION_STATE_COMPLETED")
    .sort((a, b) => (b.stoppedAt || "").localeCompare(a.stoppedAt || ""))
    .slice(0, 10));
  fill("completed", completed.map((s) => [
    s.sessionId,
    s.chargerId,
    s.stoppedAt ? new Date(s.stoppedAt).toLocaleString() : "",
    { text: fmt((s.energyWh ?? 0) / 1000, 3), className: "n" },
    { text: s.cost ? `${s.cost.currency} ${s.cost.total.inclVat}` : "no tariff", className: "n" },
    s.invoiceNumber ? { text: s.invoiceNumber, href: `/documents/invoices/${encodeURIComponent(s.invoiceNumber)}` } : "",
  ]));
}

/**
 * Invoices open as pages of their own, which a browser cannot send the bearer token to: the token is exchanged for a
 * cookie that only the read-only document pages receive (an hour; renewed before it ends).
 */
async function openDocuments() {
  const response = await fetch("/dashboard/documents-session", { method: "POST", headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`invoice pages: ${response.status}`);
}

async function watchChargers() {
  for (;;) {
    await new Promise((r) => setTimeout(r, 5000));
    await loadChargers().catch((e) => showError(`Chargers: ${e.message}`));
  }
}

let sessionWatch = null;
function renderSession(s) {
  dashboard.session = s;
  const slots = s.slots || [];
  let cumulative = 0;
  $("session-summary").textContent =
    `${s.chargerId} · ${s.state.replace("SESSION_STATE_", "").toLowerCase()} · ${fmt((s.energyWh ?? 0) / 1000, 3)} kWh` +
    (s.cost ? ` · ${s.cost.currency} ${s.cost.total.inclVat} incl. VAT` : "") + (s.invoiceNumber ? ` · invoice ${s.invoiceNumber}` : "");
  chart("session", {
    data: {
      labels: slots.map((x) => new Date(x.start).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })),
      datasets: [
        { type: "bar", label: "kWh per 15 min", data: slots.map((x) => (x.energyWh ?? 0) / 1000), backgroundColor: "#3aa17e", yAxisID: "y" },
        { type: "line", label: "kWh so far", data: slots.map((x) => (cumulative += (x.energyWh ?? 0) / 1000)), borderColor: "#2a7de1", yAxisID: "y" },
        { type: "line", label: "max kW", data: slots.map((x) => (x.maxPowerW ?? 0) / 1000), borderColor: "#e15a2a", yAxisID: "power" },
      ],
    },
    options: { scales: { y: { title: { display: true, text: "kWh" } }, power: { position: "right", title: { display: true, text: "kW" } } } },
  });
}

async function showSession(id) {
  sessionWatch?.abort();
  renderSession(await api(`/v1/sessions/${encodeURIComponent(id)}`));
  sessionWatch = new AbortController();
  stream(`/v1/sessions/${encodeURIComponent(id)}:watch`, renderSession, sessionWatch.signal).catch(() => {});
}

async function start() {
  const today = new Date();
  $("to").value = params.get("to") || isoDate(today);
  $("from").value = params.get("from") || isoDate(new Date(today.getTime() - 29 * 86400000));
  if (!token) {
    $("login").hidden = false;
    return;
  }
  try {
    const sites = await api("/v1/sites");
    for (const site of sites.sites || []) {
      $("scope").add(new Option(`Site ${site.name || site.siteId}`, `site:${site.siteId}`));
    }
    if (params.get("site")) $("scope").value = `site:${params.get("site")}`;
    await openDocuments();
    setInterval(() => openDocuments().catch((e) => showError(e.message)), 50 * 60 * 1000);
    await loadReport();
    await loadChargers();
    await loadCompleted();
    const first = await api(`/v1/live${liveQuery() ? `?${liveQuery()}` : ""}`);
    renderLive(first);
    if (params.get("session")) {
      $("session-id").value = params.get("session");
      await showSession(params.get("session"));
    }
    dashboard.ready = true;
    watchLive();
    watchChargers();
  } catch (e) {
    showError(e.message);
  }
}

$("filters").addEventListener("submit", (e) => {
  e.preventDefault();
  restartLive();
  loadReport().then(loadChargers).then(loadCompleted).catch((x) => showError(x.message));
});
$("session-form").addEventListener("submit", (e) => { e.preventDefault(); showSession($("session-id").value.trim()).catch((x) => showError(x.message)); });
// The cluster view is a page of its own: a browser cannot send the bearer token when it opens a page, so the token
// is exchanged for a cookie that only the cluster view's path receives.
$("cluster-view").addEventListener("click", async () => {
  const response = await fetch("/dashboard/cluster-session", { method: "POST", headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    showError(response.status === 404 ? "The cluster view is switched off (Charge:Telemetry:ClusterView)." : "The token was refused: the cluster view is for operators.");
    return;
  }
  window.open((await response.json()).location, "_blank", "noopener");
});
$("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  token = $("token-input").value.trim();
  sessionStorage.setItem("charge-token", token);
  $("login").hidden = true;
  start();
});
start();
