// Sites: list and create; a site's page with its address, zone, chargers, tariff, limits editor and the day's load.
import { api, h, card, table, facts, fmt, kw, when, state, enc, link, form, showError, showInfo, chart, isoDate, loadSites } from "./lib.js";

export const view = (window.chargeSite = { balance: null });

export async function list(main) {
  const sites = [...state.sites.values()];
  main.append(h("h1", {}, "Sites"),
    card("Sites", table([
      { label: "Site", value: (s) => link(`#/sites/${enc(s.siteId)}`, s.name || s.siteId) },
      { label: "ID", value: (s) => s.siteId },
      { label: "Time zone", value: (s) => s.timeZone || "UTC" },
      { label: "City", value: (s) => s.city || "–" },
      { label: "Chargers", value: (s) => String((s.chargerIds || []).length), className: "n" },
      { label: "Connectors", value: (s) => String(s.connectorCount ?? 0), className: "n" },
    ], sites, "No site yet: create one below, then move chargers onto it from their pages.", { id: "sites" })),
    card("Create a site", siteForm({}, "Create")));
}

function siteForm(s, submit) {
  return form([
    { name: "site_id", label: "Site ID", value: s.siteId, required: true },
    { name: "name", label: "Name", value: s.name },
    { name: "time_zone", label: "Time zone (IANA, e.g. Europe/Amsterdam)", value: s.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone },
    { name: "address", label: "Address", value: s.address },
    { name: "city", label: "City", value: s.city },
    { name: "postal_code", label: "Postal code", value: s.postalCode },
    { name: "country", label: "Country (ISO 3166-1 alpha-3)", value: s.country },
  ], submit, async (v) => {
    await api(`/v1/sites/${enc(v.site_id)}`, { method: "PUT", body: { name: v.name, timeZone: v.time_zone, address: v.address, city: v.city, postalCode: v.postal_code, country: v.country } });
    await loadSites();
    location.hash = `#/sites/${enc(v.site_id)}`;
  });
}

export async function page(main, siteId) {
  const site = await api(`/v1/sites/${enc(siteId)}`);
  const zone = site.timeZone || "UTC";
  const balance = (view.balance = await api(`/v1/sites/${enc(siteId)}/load`));
  const assignments = (await api(`/v1/tariff-assignments?siteId=${enc(siteId)}`)).assignments || [];
  const current = [...assignments].reverse().find((a) => new Date(a.effectiveFrom) <= new Date());
  const loadBox = h("div", { id: "site-load" });
  main.append(h("h1", {}, site.name || site.siteId, " ", h("small", { className: "muted" }, zone)),
    h("section", { className: "card half" }, h("h2", {}, "Site"), facts([
      ["ID", site.siteId], ["Address", [site.address, site.postalCode, site.city, site.country].filter(Boolean).join(", ") || "–"],
      ["Time zone", zone], ["Connectors", String(site.connectorCount ?? 0)],
      ["Tariff", current ? link(`#/tariffs/${enc(current.tariffId)}`, `${current.tariffId} (since ${when(current.effectiveFrom, zone)})`) : "none: assign one on a tariff's page"],
    ]), h("p", {}, link(`#/reports?site=${enc(siteId)}`, "Reports and capacity plan for this site"))),
    h("section", { className: "card half" }, h("h2", {}, "Load now"), loadBox),
    card("Chargers", table([
      { label: "Charger", value: (id) => link(`#/chargers/${enc(id)}`, id) },
    ], site.chargerIds || [], "No charger on this site: open a charger and use “Move to site”.", { id: "site-chargers" })));

  function renderLoad(b) {
    view.balance = b;
    loadBox.replaceChildren(
      b.aboveLimit ? h("p", { className: "over", role: "alert" }, `Above its limit: drawing ${kw(b.drawnW)} of ${kw(b.limitInForceW)}`) : "",
      facts([
        ["Grid limit", b.gridLimitKw ? `${fmt(b.gridLimitKw)} kW` : "none"],
        ["Limit in force", b.limitInForceW === undefined ? "none" : kw(b.limitInForceW)],
        ["Allowed now", kw(b.allowedW)], ["Drawn", b.drawnW === undefined ? "–" : `${kw(b.drawnW)} at ${when(b.drawnAt, zone, true)}`],
      ]),
      table([
        { label: "Session", value: (s) => link(`#/sessions/${enc(s.sessionId)}`, s.sessionId) },
        { label: "Charger", value: (s) => s.chargerId },
        { label: "Allowance", value: (s) => kw(s.allowanceW), className: "n" },
        { label: "Drawing", value: (s) => (s.drawW === undefined ? "–" : kw(s.drawW)), className: "n" },
        { label: "Note", value: (s) => (s.overdrawing ? "above its allowance" : !s.controllable ? "not controllable" : "") },
      ], b.sessions || [], "No session is charging here now.", { id: "allowances" }));
  }
  renderLoad(balance);

  // The limits editor: grid limit, time-of-day windows, priority groups; the API's refusal is shown at its field.
  const windows = h("div", { id: "windows", className: "stack" });
  const addWindow = (w = {}) => {
    const i = windows.children.length;
    windows.append(h("fieldset", { className: "inline" }, h("legend", {}, `Window ${i + 1}`),
      h("label", {}, "From (HH:mm)", h("input", { name: `time_of_day[${i}].start`, value: w.start || "17:00" })),
      h("label", {}, "To (HH:mm)", h("input", { name: `time_of_day[${i}].end`, value: w.end || "21:00" })),
      h("label", {}, "Limit kW", h("input", { name: `time_of_day[${i}].limit_kw`, type: "number", step: "any", value: w.limitKw ?? "" })),
      h("label", {}, "Days (e.g. MONDAY,FRIDAY; empty: every day)", h("input", { name: `time_of_day[${i}].days`, value: (w.days || []).join(",") })),
      h("button", { type: "button", onclick: (e) => e.target.closest("fieldset").remove() }, "Remove")));
  };
  for (const w of balance.timeOfDay || []) addWindow(w);
  const limits = h("form", { className: "stack", id: "limits-form" },
    h("label", {}, "Grid limit kW (empty: no limit)", h("input", { name: "grid_limit_kw", type: "number", step: "any", value: balance.gridLimitKw || "" })),
    h("label", {}, "Priority groups, served first (comma separated tariff groups)", h("input", { name: "priority_groups", value: (balance.priorityGroups || []).join(",") })),
    windows,
    h("div", { className: "actions" }, h("button", { type: "button", onclick: () => addWindow() }, "Add a time-of-day window"), h("button", { type: "submit" }, "Save limits")));
  limits.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v = Object.fromEntries(new FormData(limits).entries());
    const timeOfDay = [...windows.children].map((fs) => {
      const get = (suffix) => fs.querySelector(`[name$="${suffix}"]`).value.trim();
      return { start: get(".start"), end: get(".end"), limitKw: Number(get(".limit_kw")), days: get(".days") ? get(".days").split(",").map((d) => d.trim().toUpperCase()) : [] };
    });
    try {
      const b = await api(`/v1/sites/${enc(siteId)}/limits`, { method: "PUT", body: {
        gridLimitKw: v.grid_limit_kw === "" ? 0 : Number(v.grid_limit_kw), timeOfDay,
        priorityGroups: v.priority_groups ? v.priority_groups.split(",").map((g) => g.trim()).filter(Boolean) : [],
      } });
      for (const i of limits.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
      for (const x of limits.querySelectorAll(".field-error")) x.remove();
      renderLoad(b);
      showInfo(`Limits saved: ${b.gridLimitKw ? `${fmt(b.gridLimitKw)} kW` : "no grid limit"}, ${b.limitInForceW === undefined ? "nothing" : kw(b.limitInForceW)} in force now.`);
    } catch (err) {
      showError(err, limits);
    }
  });
  main.append(card("Limits", limits));

  // The load over today: energy per local hour of this site (kWh in an hour = mean kW over it).
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
  const report = await api(`/v1/reports/usage?scope=site&id=${enc(siteId)}&from=${today}&to=${today}`).catch(() => null);
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short" }).format(new Date()));
  const hours = report?.energyKwhByWeekdayHour?.[weekday]?.values || [];
  const canvas = h("canvas", { id: "site-day" });
  main.append(card(`Load over today (${zone})`, hours.some((v) => v > 0) ? h("div", { className: "chart small" }, canvas) : h("p", { className: "empty" }, "No session has ended here today yet: the hours fill as sessions complete.")));
  if (hours.some((v) => v > 0)) {
    chart(canvas, { type: "bar", data: { labels: hours.map((_, i) => `${String(i).padStart(2, "0")}:00`), datasets: [{ label: "mean kW in the hour", data: hours, backgroundColor: "#2a7de1" }] } }, "site-day");
  }
  main.append(card("Edit site", siteForm(site, "Save")));

  const timer = setInterval(async () => {
    const b = await api(`/v1/sites/${enc(siteId)}/load`).catch(() => null);
    if (b) renderLoad(b);
  }, 5000);
  return () => clearInterval(timer);
}
