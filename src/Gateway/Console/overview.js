// Overview: the scope's KPIs over a range, live load per site against its limit, and what needs attention now.
import { api, stream, h, card, table, fmt, kw, kwh, money, when, zoneOfSite, state, chart, daysAgo, isoDate, hashQuery, setHashQuery, showError, enc, link } from "./lib.js";

export const view = (window.chargeOverview = { report: null, live: null, alerts: [] });

export async function render(main) {
  const q = hashQuery();
  const scope = h("select", { name: "scope" }, h("option", { value: "network" }, "Network"),
    [...state.sites.values()].map((s) => h("option", { value: `site:${s.siteId}`, selected: q.get("site") === s.siteId }, `Site ${s.name || s.siteId}`)));
  const from = h("input", { type: "date", name: "from", value: q.get("from") || daysAgo(29) });
  const to = h("input", { type: "date", name: "to", value: q.get("to") || isoDate(new Date()) });
  const filters = h("form", { className: "inline" },
    h("label", {}, "Scope", scope), h("label", {}, "From", from), h("label", {}, "To", to), h("button", { type: "submit" }, "Show"));
  const kpis = h("section", { className: "kpis", id: "kpis" });
  const liveChart = h("canvas", { id: "live-chart" });
  const overList = h("div", { id: "over-limit" });
  const liveSummary = h("p", { id: "live-summary" }, "–");
  const alerts = h("ul", { className: "alerts", id: "alerts" });
  const running = h("div", { id: "running" });
  main.append(
    h("h1", {}, "Overview"), filters, kpis,
    h("section", { className: "card half" }, h("h2", {}, "Live load ", h("small", { id: "live-at" })), liveSummary, overList, h("div", { className: "chart small" }, liveChart)),
    h("section", { className: "card half" }, h("h2", {}, "Needs attention"), alerts),
    card("Sessions in progress", running));

  const controller = new AbortController();
  const scopeQuery = () => {
    const [kind, id] = scope.value.split(":");
    return { kind, id };
  };
  async function load() {
    const { kind, id } = scopeQuery();
    setHashQuery("/", { site: id, from: from.value, to: to.value });
    const query = new URLSearchParams({ scope: kind, from: from.value, to: to.value });
    if (id) query.set("id", id);
    const report = (view.report = await api(`/v1/reports/usage?${query}`));
    const revenue = (report.revenue || [])[0];
    const tiles = [
      ["Sessions", report.sessions ?? 0, "kpi-sessions"],
      ["Energy", `${fmt(report.energyKwh ?? 0)} kWh`, "kpi-energy"],
      ["Avg energy / session", `${fmt(report.averageEnergyPerSessionKwh ?? 0)} kWh`, "kpi-avg-energy"],
      ["Avg duration", `${fmt(report.averageDurationMinutes ?? 0, 0)} min`, "kpi-avg-duration"],
      ["Utilisation", `${fmt((report.utilisation ?? 0) * 100)} %`, "kpi-utilisation"],
      ["vs previous period", report.energyChangePercent === undefined ? "–" : `${report.energyChangePercent >= 0 ? "+" : ""}${fmt(report.energyChangePercent)} %`, "kpi-change"],
      ["Revenue incl. VAT", revenue ? `${revenue.currency} ${fmt(revenue.amount.inclVat, 2)}` : "–", "kpi-revenue"],
      ["Revenue / kWh", revenue ? `${revenue.currency} ${fmt(revenue.perKwh.inclVat, 2)}` : "–", "kpi-revenue-kwh"],
      ["Availability", report.availablePercent === undefined ? "–" : `${fmt(report.availablePercent)} %`, "kpi-availability"],
    ];
    kpis.replaceChildren(...tiles.map(([label, value, id]) => h("div", {}, h("span", { className: "label" }, label), h("span", { className: "value", id }, value))));
    if ((report.sessions ?? 0) === 0) {
      kpis.append(h("p", { className: "empty" }, "No sessions in this range yet: widen the dates, or register a charger (Chargers) and let it report."));
    }
    await loadRunning();
  }

  async function loadRunning() {
    const { kind, id } = scopeQuery();
    const query = new URLSearchParams({ pageSize: "200" });
    if (kind === "site") query.set("siteId", id);
    const list = (await api(`/v1/chargers?${query}`)).chargers || [];
    const ids = list.flatMap((c) => (c.connectors || []).filter((x) => x.activeSessionId).map((x) => x.activeSessionId));
    const sessions = await Promise.all(ids.map((s) => api(`/v1/sessions/${enc(s)}`)));
    running.replaceChildren(table([
      { label: "Session", value: (s) => link(`#/sessions/${enc(s.sessionId)}`, s.sessionId) },
      { label: "Charger", value: (s) => link(`#/chargers/${enc(s.chargerId)}`, s.chargerId) },
      { label: "Started", value: (s) => when(s.startedAt, s.timeZone || zoneOfSite(s.siteId)) },
      { label: "Energy", value: (s) => kwh(s.energyWh), className: "n" },
      { label: "Power", value: (s) => kw(s.lastPowerW), className: "n" },
      { label: "Cost so far", value: (s) => money(s.cost), className: "n" },
    ], sessions, "No session is charging now. Sessions appear here as soon as a charger starts one.", { id: "running-table" }));
    await loadAlerts(list);
  }

  async function loadAlerts(list) {
    const items = [];
    const { kind, id } = scopeQuery();
    for (const c of list.filter((x) => !x.online || x.status === "FAULTED")) {
      items.push({ bad: true, node: h("span", {}, link(`#/chargers/${enc(c.chargerId)}`, c.chargerId), c.status === "FAULTED" ? " is faulted" : ` is offline (last seen ${when(c.lastSeen, zoneOfSite(c.siteId))})`) });
    }
    // A stop asked two minutes ago or more, with the session still running: the charger did not act on it.
    for (const c of list) {
      for (const p of (c.pendingStops || []).filter((x) => Date.now() - new Date(x.requestedAt) >= 120000)) {
        items.push({ bad: true, node: h("span", {}, "Stop of ", link(`#/sessions/${enc(p.sessionId)}`, p.sessionId), ` asked ${when(p.requestedAt, zoneOfSite(c.siteId))} by ${p.requestedBy} (charger answered ${p.status}) is not done yet`) });
      }
    }
    const siteIds = kind === "site" ? [id] : [...state.sites.keys()];
    const balances = await Promise.all(siteIds.map((s) => api(`/v1/sites/${enc(s)}/load`).catch(() => null)));
    for (const b of balances.filter(Boolean)) {
      for (const s of b.sessions || []) {
        if (s.overdrawing) items.push({ bad: true, node: h("span", {}, link(`#/sessions/${enc(s.sessionId)}`, s.sessionId), ` draws ${kw(s.drawW)}, above its allowance of ${kw(s.allowanceW)} at ${b.siteId}`) });
        else if ((s.allowanceW ?? 0) === 0) items.push({ node: h("span", {}, link(`#/sessions/${enc(s.sessionId)}`, s.sessionId), ` is held at 0 W by ${b.siteId}'s limit`) });
      }
      if (b.aboveLimit) items.push({ bad: true, node: h("span", {}, link(`#/sites/${enc(b.siteId)}`, b.siteId), ` draws ${kw(b.drawnW)}, above its limit of ${kw(b.limitInForceW)}`) });
    }
    const health = await fetch("/health/ready").then((r) => r.json()).catch(() => ({ status: "Unreachable", checks: {} }));
    if (health.status !== "Healthy") {
      for (const [name, check] of Object.entries(health.checks || { gateway: { status: health.status } })) {
        if (check.status !== "Healthy") items.push({ bad: true, node: h("span", {}, `${name}: ${check.status}${check.description ? ` — ${check.description}` : ""}`) });
      }
    }
    view.alerts = items.map((i) => i.node.textContent);
    alerts.replaceChildren(...(items.length
      ? items.map((i) => h("li", { className: i.bad ? "bad" : "" }, i.node))
      : [h("li", { className: "ok" }, "Nothing needs attention: every charger is online, no session is held back, storage and cluster are healthy.")]));
  }

  function renderLive(load) {
    view.live = load;
    document.getElementById("live-at").textContent = when(load.at, "UTC", true);
    liveSummary.textContent = `${load.activeSessions ?? 0} sessions in progress, ${fmt(load.powerKw ?? 0)} kW now`;
    const sites = load.sites || [];
    const over = sites.filter((s) => s.limitKw !== undefined && (s.powerKw ?? 0) > s.limitKw);
    overList.replaceChildren(...over.map((s) => h("p", { className: "over", role: "alert" }, `${s.siteId} is above its limit: ${fmt(s.powerKw)} kW of ${fmt(s.limitKw)} kW`)));
    if (sites.length === 0) {
      liveChart.hidden = true;
      if (!overList.querySelector(".empty")) overList.append(h("p", { className: "empty" }, "No site yet: create one under Sites and move chargers onto it to see its load against its limit."));
      return;
    }
    chart(liveChart, {
      data: {
        labels: sites.map((s) => s.siteId || "(no site)"),
        datasets: [
          { type: "bar", label: "kW now", data: sites.map((s) => s.powerKw ?? 0), backgroundColor: sites.map((s) => (s.limitKw !== undefined && (s.powerKw ?? 0) > s.limitKw ? "#d11a2a" : "#2a7de1")), order: 2 },
          { type: "line", label: "limit kW", data: sites.map((s) => s.limitKw ?? null), borderColor: "#e15a2a", borderWidth: 3, pointStyle: "line", pointRadius: 14, showLine: false, order: 1 },
        ],
      },
    }, "live");
  }

  filters.addEventListener("submit", (e) => { e.preventDefault(); load().catch(showError); });
  await load();
  const { kind, id } = scopeQuery();
  renderLive(await api(`/v1/live${kind === "site" ? `?siteId=${enc(id)}` : ""}`));
  (async () => {
    while (!controller.signal.aborted) {
      const { kind: k, id: i } = scopeQuery();
      await stream(`/v1/live:watch?intervalSeconds=2${k === "site" ? `&siteId=${enc(i)}` : ""}`, renderLive, controller.signal).catch(() => {});
      await new Promise((r) => setTimeout(r, 3000));
    }
  })();
  const timer = setInterval(() => loadRunning().catch(() => {}), 5000);
  return () => { controller.abort(); clearInterval(timer); };
}
