// Reports and planning: peak hours, demand and revenue trends, utilisation and availability per site and charger,
// and a site's capacity plan (limits met, the upgrade it points to, demand ahead with the forecast's error).
import { api, h, card, table, facts, fmt, state, enc, link, chart, daysAgo, isoDate, hashQuery, setHashQuery, showError } from "./lib.js";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
export const view = (window.chargeReports = { report: null, plan: null, rows: [] });
const pct = (x) => (x === undefined || x === null ? "–" : `${fmt(x * 100)} %`);

export async function render(main) {
  const q = hashQuery();
  const site = h("select", { name: "site" }, h("option", { value: "" }, "Network"),
    [...state.sites.values()].map((s) => h("option", { value: s.siteId, selected: q.get("site") === s.siteId }, `Site ${s.name || s.siteId}`)));
  const from = h("input", { type: "date", value: q.get("from") || daysAgo(55) });
  const to = h("input", { type: "date", value: q.get("to") || isoDate(new Date()) });
  const filters = h("form", { className: "inline" }, h("label", {}, "Scope", site), h("label", {}, "From", from), h("label", {}, "To", to), h("button", { type: "submit" }, "Show"));
  const body = h("div", { className: "stack" });
  main.append(h("h1", {}, "Reports and planning"), filters, body);
  filters.addEventListener("submit", (e) => { e.preventDefault(); show().catch(showError); });

  async function show() {
    setHashQuery("/reports", { site: site.value, from: from.value, to: to.value });
    const scope = site.value ? `scope=site&id=${enc(site.value)}` : "scope=network";
    const report = (view.report = await api(`/v1/reports/usage?${scope}&from=${from.value}&to=${to.value}`));
    const heat = h("canvas", { id: "heatmap" });
    const trend = h("canvas", { id: "trend" });
    const revenue = h("canvas", { id: "revenue" });
    const histogram = h("canvas", { id: "histogram" });
    const breakdown = h("div", { id: "breakdown" });
    const plan = h("div", { id: "capacity-plan" });
    body.replaceChildren(
      card("Peak hours ", h("p", { className: "muted" }, "Mean kWh per weekday and local hour; busiest: ",
        `${report.peakEnergy?.weekday || "–"} ${String(report.peakEnergy?.hour ?? 0).padStart(2, "0")}:00`), h("div", { className: "chart" }, heat)),
      h("section", { className: "card half" }, h("h2", {}, "Demand trend ", h("small", {}, "kWh per day")), h("div", { className: "chart small" }, trend)),
      h("section", { className: "card half" }, h("h2", {}, "Revenue trend ", h("small", {}, "incl. VAT per day")), h("div", { className: "chart small" }, revenue)),
      h("section", { className: "card half" }, h("h2", {}, "Energy per session"), h("div", { className: "chart small" }, histogram)),
      h("section", { className: "card half" }, h("h2", {}, site.value ? "Utilisation and availability per charger" : "Utilisation and availability per site"), breakdown),
      card(site.value ? `Capacity plan — ${site.value}` : "Capacity plan", plan));
    if ((report.sessions ?? 0) === 0) {
      body.prepend(h("p", { className: "empty" }, "No session in this range: widen the dates, or run the simulator (README) to see the reports fill."));
    }

    const cells = [];
    (report.energyKwhByWeekdayHour || []).forEach((row, weekday) => (row.values || []).forEach((v, hour) => cells.push({ x: String(hour), y: WEEKDAYS[weekday], v })));
    const max = Math.max(0.0001, ...cells.map((c) => c.v));
    chart(heat, {
      type: "matrix",
      data: { datasets: [{ label: "kWh", data: cells, backgroundColor: (c) => `rgba(225, 90, 42, ${0.05 + 0.95 * ((c.raw?.v ?? 0) / max)})`,
        width: ({ chart: ch }) => (ch.chartArea || {}).width / 24 - 1, height: ({ chart: ch }) => (ch.chartArea || {}).height / 7 - 1 }] },
      options: { plugins: { legend: { display: false } }, scales: {
        x: { type: "category", labels: Array.from({ length: 24 }, (_, i) => String(i)), offset: true, title: { display: true, text: "local hour" } },
        y: { type: "category", labels: WEEKDAYS, offset: true } } },
    }, "heatmap");
    const daily = report.daily || [];
    chart(trend, { type: "line", data: { labels: daily.map((p) => p.start), datasets: [{ label: "kWh", data: daily.map((p) => p.energyKwh ?? 0), borderColor: "#2a7de1" }] } }, "trend");
    const currency = (report.revenue || [])[0]?.currency;
    const byDay = new Map((report.dailyRevenue || []).filter((p) => p.currency === currency).map((p) => [p.start, Number(p.amount.inclVat)]));
    chart(revenue, { type: "line", data: { labels: daily.map((p) => p.start), datasets: [{ label: currency || "revenue", data: daily.map((p) => byDay.get(p.start) ?? 0), borderColor: "#3aa17e" }] } }, "revenue");
    chart(histogram, { type: "bar", data: { labels: (report.energyPerSession || []).map((b) => b.label), datasets: [{ label: "sessions", data: (report.energyPerSession || []).map((b) => b.sessions ?? 0), backgroundColor: "#3aa17e" }] } }, "histogram");

    // Per site (network) or per charger (a site): the same report for each, side by side.
    const members = site.value
      ? (state.sites.get(site.value)?.chargerIds || []).map((id) => ({ id, scope: `scope=charger&id=${enc(id)}`, href: `#/chargers/${enc(id)}` }))
      : [...state.sites.values()].map((s) => ({ id: s.siteId, scope: `scope=site&id=${enc(s.siteId)}`, href: `#/sites/${enc(s.siteId)}` }));
    const rows = (view.rows = await Promise.all(members.map(async (m) => ({ ...m, r: await api(`/v1/reports/usage?${m.scope}&from=${from.value}&to=${to.value}`) }))));
    breakdown.replaceChildren(table([
      { label: site.value ? "Charger" : "Site", value: (x) => link(x.href, x.id) },
      { label: "Sessions", value: (x) => String(x.r.sessions ?? 0), className: "n" },
      { label: "Energy", value: (x) => `${fmt(x.r.energyKwh ?? 0)} kWh`, className: "n" },
      { label: "Utilisation", value: (x) => pct(x.r.utilisation ?? 0), className: "n" },
      { label: "Available", value: (x) => (x.r.availablePercent === undefined ? "–" : `${fmt(x.r.availablePercent)} %`), className: "n" },
    ], rows, site.value ? "No charger on this site yet." : "No site yet: create sites to compare them here.", { id: "breakdown-table" }));

    if (!site.value) {
      plan.append(h("p", { className: "empty" }, "Choose a site above: a capacity plan is per site (its grid limit, connectors and demand)."));
      return;
    }
    const p = (view.plan = await api(`/v1/sites/${enc(site.value)}/capacity-plan?from=${from.value}&to=${to.value}`));
    const f = p.forecast;
    const forecastChart = h("canvas", { id: "forecast" });
    plan.append(
      h("ul", { className: "advice", id: "advice" }, (p.advice || []).map((a) => h("li", {}, h("strong", {}, { connectors: "More connectors: ", "grid-limit": "Higher grid limit: ", "time-of-day-limit": "Different time-of-day limit: ", none: "No upgrade needed: " }[a.kind] || `${a.kind}: `), a.reason))),
      facts([
        ["Grid limit", p.gridLimitKw === undefined ? "none" : `${fmt(p.gridLimitKw)} kW`], ["Connectors", String(p.connectors)],
        ["Time at the grid limit", `${fmt(p.hoursAtLimit)} h (${pct(p.shareAtLimit)} of the range)`],
        ["Energy deferred", `${fmt(p.energyDeferredKwh, 2)} kWh (${pct(p.shareDeferred)})`],
        ["Peak allowed", `${fmt(p.peakAllowedKw)} kW`], ["Starts refused", String(p.startsRefused ?? 0)],
        ["Busiest hour", `${WEEKDAYS[p.peakWeekday ?? 0]} ${String(p.peakHour ?? 0).padStart(2, "0")}:00, ${pct(p.peakHourUtilisation)} of connectors in use`],
        ["Hours a week ≥ 90 % busy", String(p.saturatedHoursPerWeek ?? 0)],
        ["Forecast", f ? `${f.method}; trend ${fmt(f.trendKwhPerWeek, 1)} kWh/day per week` : p.forecastNote],
        ["Forecast error", f && f.meanAbsoluteErrorKwh !== undefined
          ? `${fmt(f.meanAbsoluteErrorKwh, 2)} kWh/day mean absolute error${f.meanAbsolutePercentError !== undefined ? ` (${fmt(f.meanAbsolutePercentError)} %)` : ""}, last 7 days held out`
          : p.forecastNote || "–"],
      ]),
      h("div", { className: "chart" }, forecastChart));
    const history = p.history || [];
    const ahead = f?.days || [];
    const labels = [...history.map((d) => d.start), ...ahead.map((d) => d.date)];
    const err = f?.meanAbsoluteErrorKwh;
    chart(forecastChart, { type: "line", data: { labels, datasets: [
      { label: "kWh per day", data: [...history.map((d) => d.energyKwh ?? 0), ...ahead.map(() => null)], borderColor: "#2a7de1" },
      { label: "forecast", data: [...history.map(() => null), ...ahead.map((d) => d.energyKwh)], borderColor: "#e15a2a", borderDash: [6, 4] },
      ...(err !== undefined ? [
        { label: "forecast + error", data: [...history.map(() => null), ...ahead.map((d) => d.energyKwh + err)], borderColor: "rgba(225,90,42,.35)", pointRadius: 0 },
        { label: "forecast − error", data: [...history.map(() => null), ...ahead.map((d) => Math.max(0, d.energyKwh - err))], borderColor: "rgba(225,90,42,.35)", pointRadius: 0 },
      ] : []),
    ] } }, "forecast");
  }
  await show();
}
