// Chargers: the fleet with filters and paging; a charger's page with its connectors live, availability, sessions,
// refused starts, device model and security events, and the actions an operator takes on it.
import { api, h, card, table, facts, fmt, kw, kwh, money, when, zoneOfSite, state, stateName, enc, link, pager, form, confirmAction, commandAnswer, hashQuery, setHashQuery, showError, showInfo, daysAgo } from "./lib.js";

const STATUSES = ["", "AVAILABLE", "CHARGING", "FAULTED", "OFFLINE", "DECOMMISSIONED"];
const powerOf = (c) => (c.connectors || []).reduce((sum, x) => sum + (x.powerW ?? 0), 0);

export async function list(main) {
  const q = hashQuery();
  const values = { site: q.get("site") || "", status: q.get("status") || "", online: q.get("online") || "", model: q.get("model") || "", firmware: q.get("firmware") || "" };
  const results = h("div", { id: "charger-list" });
  const filters = form([
    { name: "site", label: "Site", value: values.site, options: [["", "any"], ...[...state.sites.values()].map((s) => [s.siteId, s.name || s.siteId])] },
    { name: "status", label: "Status", value: values.status, options: STATUSES.map((s) => [s, s ? s.toLowerCase() : "any"]) },
    { name: "online", label: "Online", value: values.online, options: [["", "any"], ["true", "online"], ["false", "offline"]] },
    { name: "model", label: "Vendor / model", value: values.model },
    { name: "firmware", label: "Firmware", value: values.firmware },
  ], "Filter", async (v) => { Object.assign(values, v); setHashQuery("/chargers", v); await show(); }, { className: "inline" });
  const register = form([
    { name: "chargerId", label: "Charger ID", required: true },
    { name: "connectorCount", label: "Connectors", type: "number", value: "2", min: "1" },
    { name: "siteId", label: "Site", options: [["", "none"], ...[...state.sites.values()].map((s) => [s.siteId, s.name || s.siteId])] },
  ], "Register", async (v, f) => {
    const r = await api(`/v1/chargers/${enc(v.chargerId)}/registration`, { method: "PUT", body: { connectorCount: Number(v.connectorCount), siteId: v.siteId } });
    f.after(h("p", { className: "secret" }, `Registered ${v.chargerId}. Its secret, shown this once: ${r.secret}`));
    await show();
  }, { className: "inline" });
  main.append(h("h1", {}, "Chargers"), card("Find chargers", filters), card("Fleet", results), card("Register a charger", register));

  let page;
  async function show() {
    results.replaceChildren();
    page = pager(results, async (token) => {
      const query = new URLSearchParams({ pageSize: "25" });
      if (values.site) query.set("siteId", values.site);
      if (values.status) query.set("status", values.status);
      if (values.online) query.set("online", values.online);
      if (values.model) query.set("model", values.model);
      if (values.firmware) query.set("firmware", values.firmware);
      if (token) query.set("pageToken", token);
      const r = await api(`/v1/chargers?${query}`);
      const chargers = r.chargers || [];
      results.querySelector("table, p.empty")?.remove();
      results.prepend(table([
        { label: "Charger", value: (c) => link(`#/chargers/${enc(c.chargerId)}`, c.chargerId) },
        { label: "Status", value: (c) => h("span", { className: `status-${c.status}` }, (c.status || "").toLowerCase()) },
        { label: "Online", value: (c) => (c.online ? "yes" : "no") },
        { label: "Site", value: (c) => (c.siteId ? link(`#/sites/${enc(c.siteId)}`, c.siteId) : "–") },
        { label: "Power", value: (c) => kw(powerOf(c)), className: "n" },
        { label: "Last seen", value: (c) => when(c.lastSeen, zoneOfSite(c.siteId)) },
        { label: "Model", value: (c) => [c.vendor, c.model].filter(Boolean).join(" ") || "–" },
        { label: "Firmware", value: (c) => c.firmwareVersion || "–" },
      ], chargers, Object.values(values).some(Boolean)
        ? "No charger matches these filters: clear one to see more."
        : "No charger is registered yet: register one below, then point it at ws://<this host>/ocpp/<its ID> with its secret.", { id: "chargers" }));
      return r.nextPageToken;
    });
    await page();
  }
  await show();
}

export async function page(main, chargerId) {
  const c = await api(`/v1/chargers/${enc(chargerId)}`);
  const zone = zoneOfSite(c.siteId);
  const title = h("h1", {}, `Charger ${c.chargerId} `, h("small", { className: `status-${c.status}` }, (c.status || "").toLowerCase()));
  const connectors = h("div", { id: "connectors" });
  const actions = h("div", { className: "actions", id: "charger-actions" });
  main.append(title,
    h("section", { className: "card half" }, h("h2", {}, "Charger"), facts([
      ["Online", c.online ? "yes" : "no"], ["Last seen", when(c.lastSeen, zone)], ["Site", c.siteId ? link(`#/sites/${enc(c.siteId)}`, c.siteId) : "none"],
      ["Connectors", c.connectorCount], ["Vendor / model", [c.vendor, c.model].filter(Boolean).join(" ") || "–"], ["Firmware", c.firmwareVersion || "–"],
      ["Serial", c.serialNumber || "–"], ["Last boot", when(c.lastBoot, zone)], ["Connection", c.ocppConnected ? "OCPP socket open" : c.commandStreamOpen ? "gRPC command stream open" : "none"],
      ["Local list version", c.localListUnsupported ? "not supported" : c.localListVersion || "0"], ["Times in", zone],
    ])),
    h("section", { className: "card half" }, h("h2", {}, "Actions"), actions),
    card("Connectors ", connectors));

  function renderConnectors(view) {
    connectors.replaceChildren(table([
      { label: "Connector", value: (x) => String(x.connectorId) },
      { label: "Status", value: (x) => stateName(x.status) },
      { label: "Since", value: (x) => when(x.statusAt, zone) },
      { label: "Session", value: (x) => (x.activeSessionId ? link(`#/sessions/${enc(x.activeSessionId)}`, x.activeSessionId) : "–") },
      { label: "Power", value: (x) => (x.powerW === undefined ? "–" : kw(x.powerW)), className: "n" },
      { label: "Error", value: (x) => (x.errorCode && x.errorCode !== "NoError" ? x.errorCode : "–") },
    ], view.connectors || [], "The charger has not reported its connectors yet: they appear with its first StatusNotification.", { id: "connector-table" }));
  }
  renderConnectors(c);

  const connectorOptions = [...Array(Math.max(1, c.connectorCount || 1)).keys()].map((i) => [String(i + 1), `connector ${i + 1}`]);
  const select = (name, options) => h("label", {}, name, h("select", { name }, options.map(([v, t]) => h("option", { value: v }, t))));
  const command = (label, explanation, path, body, extra) => h("button", { type: "button", onclick: () => {
    const fields = extra?.();
    confirmAction(`${label} — ${c.chargerId}`, explanation, async () => {
      const values = fields ? Object.fromEntries([...fields.querySelectorAll("[name]")].map((i) => [i.name, i.value])) : {};
      return commandAnswer(await api(`/v1/chargers/${enc(c.chargerId)}:${path}`, { method: "POST", body: body(values) }));
    }, fields);
  } }, label);
  const active = (c.connectors || []).filter((x) => x.activeSessionId);
  actions.append(
    command("Remote start", "Asks the charger to start charging on a connector for a token.", "remote-start",
      (v) => ({ connectorId: Number(v.connector), idTag: v.idTag }),
      () => h("div", { className: "stack" }, select("connector", connectorOptions), h("label", {}, "id_tag", h("input", { name: "idTag", required: true })))),
    ...active.map((x) => command(`Remote stop ${x.connectorId}`, `Asks the charger to stop session ${x.activeSessionId}; it ends when the charger sends its stop.`, "remote-stop",
      () => ({ sessionId: x.activeSessionId }))),
    command("Reset", "Restarts the charger. A hard reset ends running sessions at once.", "reset", (v) => ({ type: v.type }),
      () => h("div", {}, select("type", [["Soft", "soft"], ["Hard", "hard"]]))),
    command("Unlock", "Releases the cable held in a connector.", "unlock", (v) => ({ connectorId: Number(v.connector) }),
      () => h("div", {}, select("connector", connectorOptions))),
    command("Availability", "Takes a connector (or the whole charger) out of service, or back in.", "change-availability",
      (v) => ({ connectorId: Number(v.connector), type: v.type }),
      () => h("div", { className: "stack" }, select("connector", [["0", "whole charger"], ...connectorOptions]), select("type", [["Inoperative", "inoperative"], ["Operative", "operative"]]))),
    h("button", { type: "button", onclick: () => {
      const fields = h("div", {}, select("siteId", [["", "no site"], ...[...state.sites.values()].map((s) => [s.siteId, s.name || s.siteId])]));
      confirmAction(`Move ${c.chargerId} to a site`, "Its sessions from now on count to the new site's load and reports.", async () => {
        const siteId = fields.querySelector("select").value;
        const r = await api(`/v1/chargers/${enc(c.chargerId)}/site`, { method: "POST", body: { siteId } });
        return `Moved: ${r.chargerId} is now on ${r.siteId || "no site"}.`;
      }, fields);
    } }, "Move to site"),
    h("button", { type: "button", onclick: () => confirmAction(`Rotate the secret of ${c.chargerId}`,
      "A new secret replaces the old one at once: the charger must be given it before it reconnects.", async () => {
        const r = await api(`/v1/chargers/${enc(c.chargerId)}/registration`, { method: "PUT", body: {
          siteId: c.siteId || "", connectorCount: c.connectorCount, connectorStandard: c.connectorStandard, connectorFormat: c.connectorFormat,
          connectorPowerType: c.connectorPowerType, connectorMaxPowerW: c.connectorMaxPowerW || [],
        } });
        return `New secret, shown this once: ${r.secret}`;
      }) }, "Rotate secret"),
    h("button", { type: "button", className: "danger", onclick: () => confirmAction(`Deregister ${c.chargerId}`,
      "The charger can no longer report or connect; its history stays.", async () => {
        const r = await api(`/v1/chargers/${enc(c.chargerId)}/registration`, { method: "DELETE" });
        return `Deregistered at ${when(r.decommissionedAt, zone)}.`;
      }) }, "Deregister"));

  // Availability and status history over the last 7 days.
  const from = new Date(Date.now() - 7 * 86400000).toISOString();
  const availability = await api(`/v1/chargers/${enc(c.chargerId)}/availability?from=${from}&to=${new Date().toISOString()}`).catch(() => null);
  main.append(card("Availability, last 7 days",
    availability ? facts([["Available", availability.availablePercent === undefined ? "–" : `${fmt(availability.availablePercent)} %`],
      ["Offline", `${fmt((availability.offlineSeconds ?? 0) / 3600)} h`], ["Faulted", `${fmt((availability.faultedSeconds ?? 0) / 3600)} h`]]) : "",
    table([
      { label: "Down", value: (p) => (p.kind || "").toLowerCase() },
      { label: "From", value: (p) => when(p.start, zone) },
      { label: "To", value: (p) => (p.end ? when(p.end, zone) : "now") },
    ], availability?.periods || [], "No downtime in the last 7 days.")));

  const sessions = await api(`/v1/sessions?chargerId=${enc(c.chargerId)}&pageSize=10`);
  main.append(card("Sessions ", h("p", {}, link(`#/sessions?charger=${enc(c.chargerId)}`, "All sessions of this charger")), table([
    { label: "Session", value: (s) => link(`#/sessions/${enc(s.sessionId)}`, s.sessionId) },
    { label: "State", value: (s) => stateName(s.state) },
    { label: "Started", value: (s) => when(s.startedAt, zone) },
    { label: "Energy", value: (s) => kwh(s.energyWh), className: "n" },
    { label: "Cost", value: (s) => money(s.cost), className: "n" },
  ], sessions.sessions || [], "No session on this charger yet.", { id: "charger-sessions" })));

  if ((c.pendingStops || []).length) {
    main.append(card("Stops asked, session still running", table([
      { label: "Session", value: (p) => link(`#/sessions/${enc(p.sessionId)}`, p.sessionId) },
      { label: "Asked", value: (p) => when(p.requestedAt, zone) }, { label: "By", value: (p) => p.requestedBy },
      { label: "Charger answered", value: (p) => `${p.status} (${p.channel})` },
    ], c.pendingStops, "", { id: "pending-stops" })));
  }
  main.append(h("section", { className: "card half" }, h("h2", {}, `Refused starts (${c.refusedStartCount ?? 0})`), table([
    { label: "At", value: (r) => when(r.at, zone) }, { label: "Connector", value: (r) => String(r.connectorId) },
    { label: "id_tag", value: (r) => r.idTag }, { label: "Why", value: (r) => `${r.status} ${r.reason || ""}` },
  ], [...(c.refusedStarts || [])].reverse(), "No start was refused.")));
  main.append(h("section", { className: "card half" }, h("h2", {}, `Security events (${c.securityEventCount ?? 0})`), table([
    { label: "At", value: (e) => when(e.timestamp, zone) }, { label: "Type", value: (e) => e.type }, { label: "Detail", value: (e) => e.techInfo || "–" },
  ], [...(c.securityEvents || [])].reverse(), "No security event reported.")));

  const model = await api(`/v1/chargers/${enc(c.chargerId)}/device-model`).catch(() => null);
  main.append(card("Device model ", table([
    { label: "Component", value: (v) => `${v.component}${v.componentInstance ? `/${v.componentInstance}` : ""}${v.evse ? ` (EVSE ${v.evse})` : ""}` },
    { label: "Variable", value: (v) => `${v.variable}${v.attributeType && v.attributeType !== "Actual" ? ` [${v.attributeType}]` : ""}` },
    { label: "Value", value: (v) => `${v.value ?? ""}${v.unit ? ` ${v.unit}` : ""}` },
    { label: "Access", value: (v) => v.mutability || "–" },
  ], model?.variables || [], "No device model stored: OCPP 2.0.1 stations report one on request.", { id: "device-model" }),
  h("div", { className: "actions" }, command("Request report", "Asks the charger for its full device model (OCPP 2.0.1 GetBaseReport; 1.6: GetConfiguration).", "report", () => ({ reportBase: "FullInventory" })))));

  // Connectors live: the charger's view every 5 s while the page is open.
  const timer = setInterval(async () => {
    const fresh = await api(`/v1/chargers/${enc(c.chargerId)}`).catch(() => null);
    if (fresh) renderConnectors(fresh);
  }, 5000);
  return () => clearInterval(timer);
}
