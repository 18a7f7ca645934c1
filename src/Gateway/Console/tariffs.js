// Tariffs: list; a tariff's page in sentences (as its invoices say it) and as OCPI JSON, with its versions, a new
// version from JSON (the API's validation message shown at the document, the path it names selected), assignment
// to chargers, sites and customer groups, and a cost estimate.
import { api, h, card, table, facts, when, state, enc, link, form, showError, showInfo, money } from "./lib.js";

const EXAMPLE = {
  country_code: "NL", party_id: "CHG", id: "", currency: "EUR", type: "REGULAR",
  elements: [{ price_components: [{ type: "ENERGY", price: 0.35, vat: 21, step_size: 1 }] }],
  last_updated: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
};

export async function list(main) {
  const tariffs = (await api("/v1/tariffs")).tariffs || [];
  main.append(h("h1", {}, "Tariffs"),
    card("Tariffs", table([
      { label: "Tariff", value: (t) => link(`#/tariffs/${enc(t.tariffId)}`, t.tariffId) },
      { label: "Version", value: (t) => String(t.version), className: "n" },
      { label: "Currency", value: (t) => t.currency },
      { label: "Time zone", value: (t) => t.timeZone || "–" },
      { label: "Since", value: (t) => when(t.createdAt, t.timeZone || "UTC") },
    ], tariffs, "No tariff yet: paste an OCPI 2.2.1 tariff below (or import yours), then assign it to a site.", { id: "tariffs" })),
    card("New tariff from OCPI JSON", editor("", JSON.stringify(EXAMPLE, null, 2), "Europe/Amsterdam")));
}

/** The OCPI editor: PUT /v1/tariffs/{id}; a refusal is shown under the document and the path it names selected. */
function editor(tariffId, json, zone) {
  const f = form([
    { name: "tariff_id", label: "Tariff ID (the document's id)", value: tariffId, required: true },
    { name: "time_zone", label: "Time zone for its time restrictions (when the document has none)", value: zone },
    { name: "ocpi", label: "OCPI 2.2.1 tariff", type: "textarea", value: json, rows: 16 },
  ], "Save as a new version", async (v) => {
    let doc;
    try {
      doc = JSON.parse(v.ocpi);
    } catch (e) {
      throw new Error(`ocpi is not JSON: ${e.message}`);
    }
    if (!doc.id) doc.id = v.tariff_id;
    const info = await api(`/v1/tariffs/${enc(v.tariff_id)}${v.time_zone ? `?timeZone=${enc(v.time_zone)}` : ""}`, { method: "PUT", body: doc });
    showInfo(`Saved ${info.tariffId} version ${info.version}.`);
    location.hash = `#/tariffs/${enc(info.tariffId)}`;
  });
  f.dataset.defaultField = "ocpi";
  // A message naming a JSON field (e.g. elements[0].price_components[0].step_size) selects it in the document.
  f.addEventListener("submit", () => setTimeout(() => {
    const error = f.querySelector(".field-error");
    const area = f.querySelector("textarea");
    if (!error || !area) return;
    const path = error.textContent.match(/([a-z_]+)(?:\[\d+\])?(?:\s|$|:|')/g)?.map((m) => m.replace(/[^a-z_]/g, ""));
    const key = path?.find((k) => area.value.includes(`"${k}"`));
    if (key) {
      const at = area.value.indexOf(`"${key}"`);
      area.focus();
      area.setSelectionRange(at, at + key.length + 2);
    }
  }, 50));
  return f;
}

export async function page(main, tariffId) {
  const latest = await api(`/v1/tariffs/${enc(tariffId)}/description`);
  const versions = [...Array(latest.tariff.version).keys()].map((i) => i + 1).reverse();
  const chosen = Number(new URLSearchParams(location.hash.split("?")[1] || "").get("version")) || latest.tariff.version;
  const description = chosen === latest.tariff.version ? latest : await api(`/v1/tariffs/${enc(tariffId)}/description?version=${chosen}`);
  const ocpi = await api(`/v1/tariffs/${enc(tariffId)}?version=${chosen}`);
  const t = description.tariff;
  main.append(h("h1", {}, `Tariff ${t.tariffId} `, h("small", { className: "muted" }, `version ${t.version} of ${latest.tariff.version}`)),
    h("section", { className: "card half" }, h("h2", {}, "In words"),
      facts([["Currency", t.currency], ["Time zone", t.timeZone || "–"], ["Version since", when(t.createdAt, t.timeZone || "UTC")],
        ["Versions", h("span", {}, versions.map((v) => [v === chosen ? h("strong", {}, `v${v}`) : link(`#/tariffs/${enc(tariffId)}?version=${v}`, `v${v}`), " "]))]]),
      h("ul", { className: "sentences", id: "tariff-sentences" }, (description.sentences || []).map((s) => h("li", {}, s)))),
    h("section", { className: "card half" }, h("h2", {}, "As OCPI JSON"), h("pre", { id: "tariff-json" }, JSON.stringify(ocpi, null, 2))));

  const targets = [["site", "site"], ["charger", "charger"], ["group", "customer group (tariff_group)"]];
  const assign = form([
    { name: "target", label: "Assign to", options: targets },
    { name: "id", label: "Site ID, charger ID or group", required: true, value: [...state.sites.keys()][0] || "" },
    { name: "effective_from", label: "From (empty: now)", type: "datetime-local" },
  ], "Assign", async (v) => {
    const body = { tariffId };
    if (v.effective_from) body.effectiveFrom = new Date(v.effective_from).toISOString();
    const r = await api(`/v1/${v.target === "site" ? "sites" : v.target === "charger" ? "chargers" : "tariff-groups"}/${enc(v.id)}/tariff`, { method: "POST", body });
    showInfo(`Assigned: ${(r.assignments || []).map((a) => `${a.tariffId} from ${when(a.effectiveFrom, t.timeZone || "UTC")}`).join("; ")}`);
  }, { className: "inline" });

  const estimateOut = h("div", { id: "estimate" });
  const estimate = form([
    { name: "energy_kwh", label: "Energy kWh", type: "number", step: "any", value: "20" },
    { name: "charging_seconds", label: "Charging minutes", type: "number", value: "60" },
    { name: "parking_seconds", label: "Parking minutes after", type: "number", value: "0" },
    { name: "planned_start", label: "Start (empty: now)", type: "datetime-local" },
  ], "Estimate", async (v) => {
    const body = { tariffId, energyKwh: Number(v.energy_kwh), chargingSeconds: Number(v.charging_seconds) * 60, parkingSeconds: Number(v.parking_seconds) * 60 };
    if (v.planned_start) body.plannedStart = new Date(v.planned_start).toISOString();
    const cost = await api("/v1/cost-estimates", { method: "POST", body });
    estimateOut.replaceChildren(facts([["Total", `${money(cost)} incl. VAT (${cost.total.exclVat} excl.)`],
      ...(cost.dimensions || []).map((d) => [d.dimension, `${d.billedVolume ?? d.volume}: ${d.cost?.inclVat}`])]));
  }, { className: "inline" });

  main.append(card("Assign", assign), card("Estimate a session's cost", estimate, estimateOut),
    card("New version from OCPI JSON", editor(tariffId, JSON.stringify(ocpi, null, 2), t.timeZone || "")));
}
