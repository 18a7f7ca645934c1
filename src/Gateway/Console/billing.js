// Billing: a month's invoices and credit notes (paging, search by number, customer or id_tag), open one, credit it,
// close a billing period, and the CDR and revenue exports.
import { api, h, card, table, when, enc, pager, form, confirmAction, hashQuery, setHashQuery, showInfo, isoDate } from "./lib.js";

const thisMonth = () => new Date().toISOString().slice(0, 7);

/** Downloads an export through the API (the cookie needs the console header, which a plain link cannot send). */
async function download(path, name) {
  const response = await fetch(path, { headers: { "x-charge-console": "1" }, credentials: "same-origin" });
  if (!response.ok) throw new Error((await response.json().catch(() => ({}))).message || `${path}: HTTP ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export async function render(main) {
  const q = hashQuery();
  const values = { month: q.get("month") || thisMonth(), by: q.get("by") || "", id: q.get("id") || "" };
  const results = h("div", { id: "invoice-list" });
  const search = form([
    { name: "month", label: "Month of issue", type: "month", value: values.month },
    { name: "by", label: "Of", value: values.by, options: [["", "everyone"], ["customer", "customer"], ["tag", "id_tag"]] },
    { name: "id", label: "Customer or id_tag", value: values.id },
  ], "Show", async (v) => { Object.assign(values, v); setHashQuery("/billing", v); await show(); }, { className: "inline" });
  const byNumber = form([{ name: "number", label: "Invoice number", required: true }], "Open", async (v) => {
    const invoice = await api(`/v1/invoices/${enc(v.number.trim())}`);
    window.open(`/documents/invoices/${enc(invoice.number)}`, "_blank", "noopener");
  }, { className: "inline" });
  const close = form([{ name: "period", label: "Billing period (yyyy-MM)", type: "month", value: thisMonth() }], "Close period…", async (v) => {
    confirmAction(`Close ${v.period}`, "Issues the monthly statements of the period for every customer and id_tag billed monthly. It cannot be undone.", async () => {
      const r = await api(`/v1/billing-periods/${enc(v.period)}:close`, { method: "POST", body: {} });
      return (r.invoiceNumbers || []).length ? `Issued: ${r.invoiceNumbers.join(", ")}` : "Closed: nothing to issue.";
    });
  }, { className: "inline" });
  const from = h("input", { type: "date", value: isoDate(new Date(Date.now() - 30 * 86400000)) });
  const to = h("input", { type: "date", value: isoDate(new Date()) });
  const exports = h("div", { className: "toolbar" }, h("label", {}, "From", from), h("label", {}, "To", to),
    h("button", { type: "button", onclick: () => download(`/v1/cdrs?from=${from.value}&to=${to.value}&format=csv`, `cdrs-${from.value}-${to.value}.csv`).catch((e) => showInfo(e.message)) }, "CDRs (CSV)"),
    h("button", { type: "button", onclick: () => download(`/v1/cdrs?from=${from.value}&to=${to.value}&format=ocpi`, `cdrs-${from.value}-${to.value}.json`).catch((e) => showInfo(e.message)) }, "CDRs (OCPI JSON)"),
    h("button", { type: "button", onclick: () => download(`/v1/reports/revenue?scope=network&from=${from.value}&to=${to.value}`, `revenue-${from.value}-${to.value}.csv`).catch((e) => showInfo(e.message)) }, "Revenue (CSV)"));
  main.append(h("h1", {}, "Billing"), card("Invoices of a month", search, results),
    h("section", { className: "card half" }, h("h2", {}, "Open by number"), byNumber),
    h("section", { className: "card half" }, h("h2", {}, "Close a billing period"), close),
    card("Exports", exports));

  async function show() {
    results.replaceChildren();
    await pager(results, async (token) => {
      const query = new URLSearchParams({ month: values.month, pageSize: "25" });
      if (values.by === "customer" && values.id) query.set("customerId", values.id);
      if (values.by === "tag" && values.id) query.set("idTag", values.id);
      if (token) query.set("pageToken", token);
      const r = await api(`/v1/invoices?${query}`);
      results.querySelector("table, p.empty")?.remove();
      results.prepend(table([
        { label: "Number", value: (i) => h("a", { href: `/documents/invoices/${enc(i.number)}`, target: "_blank", rel: "noopener" }, i.number) },
        { label: "Kind", value: (i) => (i.kind || "").replace("_", " ").toLowerCase() },
        { label: "Issued", value: (i) => when(i.issuedAt) },
        { label: "Customer / id_tag", value: (i) => i.customerId || i.idTag || "–" },
        { label: "Session", value: (i) => (i.sessionId ? h("a", { href: `#/sessions/${enc(i.sessionId)}` }, i.sessionId) : i.period || "–") },
        { label: "Total incl. VAT", value: (i) => `${i.currency} ${i.total?.inclVat ?? ""}`, className: "n" },
        { label: "", value: (i) => (i.kind === "INVOICE" && !i.creditedBy ? h("button", { type: "button", onclick: () => {
          const reason = h("label", {}, "Reason (on the credit note)", h("input", { name: "reason" }));
          confirmAction(`Credit ${i.number}`, "Issues a credit note giving the whole amount back; the invoice stays as issued.", async () => {
            await api(`/v1/invoices/${enc(i.number)}:credit`, { method: "POST", body: { reason: reason.querySelector("input").value } });
            await show();
            return `Credited: ${i.number} is reversed by a credit note.`;
          }, reason);
        } }, "Credit…") : i.creditedBy ? `credited by ${i.creditedBy}` : "") },
      ], r.invoices || [], `No invoice was issued in ${values.month}${values.id ? ` for ${values.id}` : ""}: invoices are issued when a priced session ends, statements when a period is closed.`, { id: "invoices" }));
      return r.nextPageToken;
    })();
  }
  await show();
}
