// Sessions: search with paging; a session's page with its energy and power curve and running cost, live.
import { api, stream, h, card, table, facts, fmt, kw, kwh, money, when, zoneOfSite, state, stateName, enc, link, pager, form, confirmAction, hashQuery, setHashQuery, chart, daysAgo, isoDate } from "./lib.js";

export const view = (window.chargeSession = { session: null, updates: 0 });

export async function list(main) {
  const q = hashQuery();
  const values = {
    by: q.get("charger") ? "charger" : q.get("tag") ? "tag" : q.get("customer") ? "customer" : q.get("site") ? "site" : "network",
    id: q.get("charger") || q.get("tag") || q.get("customer") || q.get("site") || "",
    state: q.get("state") || "", from: q.get("from") || daysAgo(7), to: q.get("to") || isoDate(new Date(Date.now() + 86400000)),
  };
  const results = h("div", { id: "session-list" });
  const totals = h("p", { id: "session-totals", className: "muted" });
  const search = form([
    { name: "by", label: "Search by", value: values.by, options: [["network", "whole network (completed)"], ["site", "site (completed)"], ["charger", "charger"], ["tag", "id_tag"], ["customer", "customer"]] },
    { name: "id", label: "Charger, site, id_tag or customer", value: values.id },
    { name: "state", label: "State", value: values.state, options: [["", "any"], ["ACTIVE", "active"], ["STOPPING", "stopping"], ["COMPLETED", "completed"]] },
    { name: "from", label: "Started from", type: "date", value: values.from },
    { name: "to", label: "Started before", type: "date", value: values.to },
  ], "Search", async (v) => {
    Object.assign(values, v);
    const key = { charger: "charger", tag: "tag", customer: "customer", site: "site" }[v.by];
    setHashQuery("/sessions", { [key || "x"]: key ? v.id : "", state: v.state, from: v.from, to: v.to });
    await show();
  }, { className: "inline" });
  main.append(h("h1", {}, "Sessions"), card("Search", search), card("Sessions", totals, results));

  async function show() {
    results.replaceChildren();
    const load = pager(results, async (token) => {
      const query = new URLSearchParams({ pageSize: "25" });
      const param = { charger: "chargerId", tag: "idTag", customer: "customerId", site: "siteId" }[values.by];
      if (param && values.id) query.set(param, values.id);
      if (values.state) query.set("state", values.state);
      if (values.from) query.set("from", new Date(`${values.from}T00:00:00Z`).toISOString());
      if (values.to) query.set("to", new Date(`${values.to}T00:00:00Z`).toISOString());
      if (token) query.set("pageToken", token);
      const r = await api(`/v1/sessions?${query}`);
      const t = r.totals || {};
      totals.textContent = `${t.sessions ?? 0} sessions, ${fmt(t.energyKwh ?? 0, 3)} kWh${(t.cost || []).map((c) => `, ${c.currency} ${c.total.inclVat} incl. VAT`).join("")} (dates in UTC)`;
      results.querySelector("table, p.empty")?.remove();
      results.prepend(table([
        { label: "Session", value: (s) => link(`#/sessions/${enc(s.sessionId)}`, s.sessionId) },
        { label: "Charger", value: (s) => link(`#/chargers/${enc(s.chargerId)}`, s.chargerId) },
        { label: "id_tag", value: (s) => s.idTag || "–" },
        { label: "State", value: (s) => stateName(s.state) },
        { label: "Started", value: (s) => when(s.startedAt, s.timeZone || zoneOfSite(s.siteId)) },
        { label: "Energy", value: (s) => kwh(s.energyWh), className: "n" },
        { label: "Total", value: (s) => money(s.cost), className: "n" },
        { label: "Invoice", value: (s) => (s.invoiceNumber ? h("a", { href: `/documents/invoices/${enc(s.invoiceNumber)}`, target: "_blank", rel: "noopener" }, s.invoiceNumber) : "–") },
      ], r.sessions || [], values.by === "network" || values.by === "site"
        ? "No completed session started in these dates: widen the range, or search a charger or id_tag to see running sessions."
        : "No session matches: check the ID, or widen the dates.", { id: "sessions" }));
      return r.nextPageToken;
    });
    await load();
  }
  await show();
}

export async function page(main, sessionId) {
  const first = await api(`/v1/sessions/${enc(sessionId)}`);
  const zone = first.timeZone || zoneOfSite(first.siteId);
  const summary = h("div", { id: "session-summary" });
  const canvas = h("canvas", { id: "session-chart" });
  const anomalies = h("div", { id: "anomalies" });
  const actions = h("div", { className: "actions", id: "session-actions" });
  main.append(h("h1", {}, `Session ${sessionId}`),
    h("section", { className: "card half" }, h("h2", {}, "Now ", h("small", { id: "session-updated" })), summary),
    h("section", { className: "card half" }, h("h2", {}, "Actions"), actions),
    card("Energy and power ", h("div", { className: "chart" }, canvas)),
    card("Anomalies", anomalies));

  function render(s) {
    view.session = s;
    view.updates++;
    document.getElementById("session-updated").textContent = `updated ${when(new Date().toISOString(), zone, true)}`;
    const d = s.cost?.dimensions || [];
    summary.replaceChildren(facts([
      ["State", h("span", { id: "session-state" }, stateName(s.state))],
      ["Charger", link(`#/chargers/${enc(s.chargerId)}`, `${s.chargerId} connector ${s.connectorId}`)],
      ["id_tag", s.idTag || "–"], ["Customer", s.customerId || "–"], ["Site", s.siteId ? link(`#/sites/${enc(s.siteId)}`, s.siteId) : "–"],
      ["Started", when(s.startedAt, zone)], ["Stopped", s.stoppedAt ? when(s.stoppedAt, zone) : "–"],
      ["Energy", h("span", { id: "session-energy" }, kwh(s.energyWh))], ["Power now", s.lastPowerW === undefined ? "–" : kw(s.lastPowerW)],
      ["Readings", String(s.readingCount ?? 0)], ["Last reading", when(s.lastReadingAt, zone, true)],
      ["Cost so far", h("span", { id: "session-cost" }, s.cost ? `${money(s.cost)} incl. VAT (${s.cost.total.exclVat} excl.)` : "no tariff")],
      d.length ? ["Priced by", d.map((x) => `${(x.dimension || "").toLowerCase()} ${x.billedVolume ?? x.volume ?? ""}: ${x.cost?.inclVat ?? ""}`).join(", ")] : null,
      ["Allowance", s.allowanceW === undefined ? "not load-balanced" : kw(s.allowanceW)],
      ["Stop", s.stopReason ? `${s.stopReason}${s.closedBy ? ` by ${s.closedBy}` : ""}${s.meterStopWh !== undefined ? `, register ${fmt(s.meterStopWh, 0)} Wh` : ""}` : "–"],
      ["Invoice", s.invoiceNumber ? h("a", { id: "session-invoice", href: `/documents/invoices/${enc(s.invoiceNumber)}`, target: "_blank", rel: "noopener" }, s.invoiceNumber) : s.billed ? "on the monthly statement" : "–"],
      s.creditNoteNumber ? ["Credit note", s.creditNoteNumber] : null,
      s.review ? ["Needs review", s.review] : null,
      ["Times in", zone],
    ]));
    anomalies.replaceChildren(table([
      { label: "Kind", value: (a) => a.kind }, { label: "Reading", value: (a) => when(a.readingTimestamp, zone, true) },
      { label: "Register", value: (a) => `${fmt(a.energyWh, 0)} Wh`, className: "n" }, { label: "Detail", value: (a) => a.detail || "–" },
    ], s.anomalies || [], "No anomaly: every reading was plausible."));
    const slots = s.slots || [];
    let cumulative = 0;
    chart(canvas, {
      data: {
        labels: slots.map((x) => when(x.start, zone).slice(11)),
        datasets: [
          { type: "bar", label: "kWh per 15 min", data: slots.map((x) => (x.energyWh ?? 0) / 1000), backgroundColor: "#3aa17e", yAxisID: "y" },
          { type: "line", label: "kWh so far", data: slots.map((x) => (cumulative += (x.energyWh ?? 0) / 1000)), borderColor: "#2a7de1", yAxisID: "y" },
          { type: "line", label: "max kW", data: slots.map((x) => (x.maxPowerW ?? 0) / 1000), borderColor: "#e15a2a", yAxisID: "power" },
        ],
      },
      options: { scales: { y: { title: { display: true, text: "kWh" } }, power: { position: "right", title: { display: true, text: "kW" } } } },
    }, "session");
    const running = s.state === "SESSION_STATE_ACTIVE" || s.state === "SESSION_STATE_STOPPING";
    actions.replaceChildren(...(running ? [
      h("button", { type: "button", id: "request-stop", onclick: () => confirmAction(`Stop ${s.sessionId}`,
        "Asks the charger to stop; the session ends with the charger's own stop and final register.", async () => {
          const r = await api(`/v1/sessions/${enc(s.sessionId)}:requestStop`, { method: "POST", body: {} });
          return `Sent over ${r.channel}: the charger answered ${r.status}.`;
        }) }, "Request stop"),
      h("button", { type: "button", className: "danger", onclick: () => confirmAction(`Force close ${s.sessionId}`,
        "Closes the session without the charger (it is gone): billed on the last reading received.", async () => {
          const r = await api(`/v1/sessions/${enc(s.sessionId)}:forceClose`, { method: "POST", body: {} });
          return `Closed: ${kwh(r.energyWh)}, ${money(r.cost)}.`;
        }) }, "Force close"),
    ] : [h("p", { className: "muted" }, "The session has ended: nothing to stop.")]));
  }
  render(first);

  const controller = new AbortController();
  (async () => {
    while (!controller.signal.aborted) {
      await stream(`/v1/sessions/${enc(sessionId)}:watch`, render, controller.signal).catch(() => {});
      if (view.session?.state === "SESSION_STATE_COMPLETED" && view.session?.invoiceNumber) return;
      await new Promise((r) => setTimeout(r, 2000));
      const s = await api(`/v1/sessions/${enc(sessionId)}`).catch(() => null);
      if (s && !controller.signal.aborted) render(s);
    }
  })();
  return () => controller.abort();
}
