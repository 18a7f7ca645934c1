// Tokens (who may charge) and customers (who pays): search, create, edit, block.
import { api, h, card, table, when, enc, link, pager, form, confirmAction, hashQuery, setHashQuery, showInfo } from "./lib.js";

const STATUSES = [["ACCEPTED", "accepted"], ["BLOCKED", "blocked"], ["EXPIRED", "expired"], ["INVALID", "invalid"]];

/**
 * A directory page (tokens, customers): search by ID prefix kept in the address, a paged list, an editor below.
 * Returns what the page fills in: the editor's box, and how to show the list for the prefix searched.
 */
function directory(main, { route, title, idLabel, editTitle, list }) {
  const page = { prefix: hashQuery().get("q") || "", results: h("div", { id: `${route}-list` }), editorBox: h("div", { id: `${route}-editor` }) };
  page.show = async () => {
    page.results.replaceChildren();
    await pager(page.results, async (token) => {
      const query = new URLSearchParams({ pageSize: "25" });
      if (page.prefix) query.set("prefix", page.prefix);
      if (token) query.set("pageToken", token);
      const r = await api(`/v1/${route}?${query}`);
      page.results.querySelector("table, p.empty")?.remove();
      page.results.prepend(list(r));
      return r.nextPageToken;
    })();
  };
  const search = form([{ name: "q", label: `${idLabel} starts with`, value: page.prefix }], "Search", async (v) => {
    page.prefix = v.q.trim();
    setHashQuery(`/${route}`, { q: page.prefix });
    await page.show();
  }, { className: "inline" });
  main.append(h("h1", {}, title), card("Find", search), card(title, page.results), card(editTitle, page.editorBox));
  return page;
}

export async function tokens(main) {
  const page = directory(main, { route: "tokens", title: "Tokens", idLabel: "id_tag", editTitle: "Create or change a token", list: (r) => list(r) });
  const { editorBox } = page;
  const show = page.show;

  function edit(t = {}) {
    editorBox.replaceChildren(form([
      { name: "id_tag", label: "id_tag (RFID UID or app token)", value: t.idTag, required: true },
      { name: "status", label: "Status", value: t.status || "ACCEPTED", options: STATUSES },
      { name: "expires_at", label: "Expires (empty: never)", type: "datetime-local", value: t.expiresAt ? t.expiresAt.slice(0, 16) : "" },
      { name: "parent_id_tag", label: "Parent group (parent id_tag)", value: t.parentIdTag },
      { name: "max_concurrent_sessions", label: "Concurrent sessions at most (empty: no limit)", type: "number", min: "1", value: t.maxConcurrentSessions ?? "" },
      { name: "customer_id", label: "Customer (who pays)", value: t.customerId },
      { name: "label", label: "Label", value: t.label },
    ], "Save token", async (v) => {
      const body = { status: v.status, parentIdTag: v.parent_id_tag, customerId: v.customer_id, label: v.label };
      if (v.expires_at) body.expiresAt = new Date(`${v.expires_at}Z`).toISOString();
      if (v.max_concurrent_sessions) body.maxConcurrentSessions = Number(v.max_concurrent_sessions);
      const saved = await api(`/v1/tokens/${enc(v.id_tag)}`, { method: "PUT", body });
      showInfo(`Saved ${saved.idTag}: ${saved.status.toLowerCase()}.`);
      await show();
    }));
  }

  function list(r) {
    return table([
        { label: "id_tag", value: (t) => t.idTag },
        { label: "Status", value: (t) => h("span", { className: t.status === "ACCEPTED" ? "" : "bad" }, t.status.toLowerCase()) },
        { label: "Expires", value: (t) => (t.expiresAt ? when(t.expiresAt) : "never") },
        { label: "Parent", value: (t) => t.parentIdTag || "–" },
        { label: "Limit", value: (t) => (t.maxConcurrentSessions === undefined ? "–" : `${t.activeSessions ?? 0} of ${t.maxConcurrentSessions}`) },
        { label: "Customer", value: (t) => t.customerId || "–" },
        { label: "Sessions", value: (t) => link(`#/sessions?tag=${enc(t.idTag)}`, "sessions") },
        { label: "", value: (t) => h("span", { className: "actions" },
          h("button", { type: "button", onclick: () => edit(t) }, "Edit"),
          t.status === "ACCEPTED" ? h("button", { type: "button", className: "danger", onclick: () => confirmAction(`Block ${t.idTag}`,
            "Chargers refuse it from now on (those with a local list once it is sent); sessions running go on.", async () => {
              const saved = await api(`/v1/tokens/${enc(t.idTag)}`, { method: "PUT", body: { ...t, status: "BLOCKED", activeSessions: undefined, updatedAt: undefined } });
              await show();
              return `${saved.idTag} is ${saved.status.toLowerCase()}.`;
            }) }, "Block") : "") },
      ], r.tokens || [], page.prefix ? `No token starts with “${page.prefix}”.` : "No token yet: create one below so a driver can charge.", { id: "tokens" });
  }
  edit();
  await show();
}

export async function customers(main) {
  const page = directory(main, { route: "customers", title: "Customers", idLabel: "customer ID", editTitle: "Create or change a customer", list: (r) => list(r) });
  const { editorBox } = page;
  const show = page.show;

  function edit(c = {}) {
    editorBox.replaceChildren(form([
      { name: "customer_id", label: "Customer ID", value: c.customerId, required: true },
      { name: "kind", label: "Kind", value: c.kind || "PERSON", options: [["PERSON", "person"], ["COMPANY", "company"]] },
      { name: "name", label: "Name (on invoices)", value: c.name },
      { name: "email", label: "Email", value: c.email },
      { name: "address", label: "Address", value: c.address },
      { name: "postal_code", label: "Postal code", value: c.postalCode },
      { name: "city", label: "City", value: c.city },
      { name: "country", label: "Country (ISO 3166-1 alpha-3)", value: c.country },
      { name: "vat_id", label: "VAT ID (company)", value: c.vatId },
      { name: "tariff_group", label: "Tariff group", value: c.tariffGroup },
    ], "Save customer", async (v) => {
      const saved = await api(`/v1/customers/${enc(v.customer_id)}`, { method: "PUT", body: {
        kind: v.kind, name: v.name, email: v.email, address: v.address, postalCode: v.postal_code, city: v.city, country: v.country, vatId: v.vat_id, tariffGroup: v.tariff_group,
      } });
      showInfo(`Saved customer ${saved.customerId}.`);
      await show();
    }));
  }

  function list(r) {
    return table([
        { label: "Customer", value: (c) => c.customerId },
        { label: "Name", value: (c) => c.name || "–" },
        { label: "Kind", value: (c) => (c.kind || "").toLowerCase() },
        { label: "City", value: (c) => c.city || "–" },
        { label: "Tariff group", value: (c) => c.tariffGroup || "–" },
        { label: "Sessions", value: (c) => link(`#/sessions?customer=${enc(c.customerId)}`, "sessions") },
        { label: "", value: (c) => h("button", { type: "button", onclick: () => edit(c) }, "Edit") },
      ], r.customers || [], page.prefix ? `No customer starts with “${page.prefix}”.` : "No customer yet: create one below, then link tokens to it so their sessions are invoiced to it.", { id: "customers" });
  }
  edit();
  await show();
}
