// The live dashboard of `jsm serve`: KPI cards and charts from the gold tables
// (/api/tables/gold/...), pipeline health from /metrics, consumer lag and commit
// conflicts from /api/health, refreshed every few seconds.
// Money arrives as decimal strings and is summed in integer pence, never in floats.
import { Chart, registerables } from "chart.js";

Chart.register(...registerables);

const params = new URLSearchParams(window.location.search);
const TOKEN = params.get("token") || "";
// ?interval=S: seconds between refreshes, 1..3600; anything else (abc, -1, NaN) is the default 3.
const ASKED_INTERVAL_S = Number(params.get("interval"));
const INTERVAL_MS =
  (Number.isFinite(ASKED_INTERVAL_S) && ASKED_INTERVAL_S >= 1 ? Math.min(ASKED_INTERVAL_S, 3600) : 3) * 1000;
const PALETTE = ["#3366cc", "#dc3912", "#ff9900", "#109618", "#990099", "#0099c6", "#dd4477", "#66aa00", "#b82e2e", "#316395"];

/** GET a path of this server as JSON (the token, when the page was opened with one, goes along). */
async function getJson(path) {
  const headers = TOKEN ? { Authorization: "Bearer " + TOKEN } : {};
  const response = await fetch(path, { headers, cache: "no-store" });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

async function getText(path) {
  const headers = TOKEN ? { Authorization: "Bearer " + TOKEN } : {};
  const response = await fetch(path, { headers, cache: "no-store" });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.text();
}

/** A gold table's rows, or null while the table does not exist yet (404). */
async function goldTable(name, query = "") {
  try {
    return await getJson("/api/tables/gold/" + name + "?limit=100000" + query);
  } catch (error) {
    if (String(error.message).endsWith("HTTP 404")) return null;
    throw error;
  }
}

/** "1234.56" or "-0.50" -> integer pence as a BigInt: gold money is DECIMAL(28,2), beyond 2^53. */
function pence(text) {
  if (text === null || text === undefined) return 0n;
  const negative = text.startsWith("-");
  const [whole, frac = ""] = (negative ? text.slice(1) : text).split(".");
  const value = BigInt(whole || "0") * 100n + BigInt((frac + "00").slice(0, 2));
  return negative ? -value : value;
}

/** Integer pence (BigInt) -> "1234.56". */
function penceText(value) {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const text = (abs / 100n).toString() + "." + (abs % 100n).toString().padStart(2, "0");
  return negative ? "-" + text : text;
}

/** Pence (BigInt) -> a chart value in pounds; charts draw, they need no exactness. */
function pounds(value) {
  return Number(value) / 100;
}

const count = new Intl.NumberFormat("en-GB");
const gbpGrouping = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });

/** Pence (BigInt) -> "£1,234.56", "-£0.50": formatted from the exact digits, no float. */
function gbp(value) {
  const text = penceText(value);
  const negative = text.startsWith("-");
  const [whole, frac] = (negative ? text.slice(1) : text).split(".");
  return (negative ? "-£" : "£") + gbpGrouping.format(BigInt(whole)) + "." + frac;
}

function setKpi(id, value, display) {
  const element = document.querySelector("#" + id + " .value");
  element.dataset.value = String(value);
  element.textContent = display;
}

/** KPI cards: totals over gold/monthly_kpis, customers = rows of gold/customer_rfm (docs/dashboard.md). */
function renderKpis(monthly, rfm) {
  let net = 0n, gross = 0n, orders = 0, cancellations = 0;
  for (const row of monthly.rows) {
    net += pence(row.net_revenue);
    gross += pence(row.gross_revenue);
    orders += row.orders;
    cancellations += row.cancellations;
  }
  // Average order value: gross / orders, rounded half away from zero to the penny (as gold does).
  let aov = null;
  if (orders > 0) {
    const n = BigInt(orders);
    const magnitude = ((gross < 0n ? -gross : gross) * 2n + n) / (2n * n);
    aov = gross < 0n ? -magnitude : magnitude;
  }
  const rate = orders + cancellations > 0 ? cancellations / (orders + cancellations) : 0;
  const customers = rfm ? rfm.rows.length : 0;
  setKpi("kpi-revenue", penceText(net), gbp(net));
  setKpi("kpi-orders", orders, count.format(orders));
  setKpi("kpi-aov", aov === null ? "" : penceText(aov), aov === null ? "–" : gbp(aov));
  setKpi("kpi-customers", customers, count.format(customers));
  setKpi("kpi-cancellation-rate", rate, (100 * rate).toFixed(2) + " %");
  const kpis = document.querySelector(".kpis");
  kpis.dataset.monthlyKpisVersion = String(monthly.version);
  kpis.dataset.customerRfmVersion = rfm ? String(rfm.version) : "";
}

const charts = {};

function chart(id, type, options = {}) {
  if (!charts[id]) {
    charts[id] = new Chart(document.getElementById(id), {
      type,
      data: { labels: [], datasets: [] },
      options: { animation: false, responsive: true, maintainAspectRatio: false, ...options },
    });
  }
  return charts[id];
}

function update(id, type, labels, datasets, options) {
  const c = chart(id, type, options);
  c.data.labels = labels;
  c.data.datasets = datasets;
  c.update("none");
}

function renderRevenue(daily) {
  const byDate = new Map();
  for (const row of daily.rows) byDate.set(row.order_date, (byDate.get(row.order_date) || 0n) + pence(row.net_revenue));
  const dates = [...byDate.keys()].sort();
  update("chart-revenue", "line", dates,
         [{ label: "net revenue (GBP)", data: dates.map((d) => pounds(byDate.get(d))), borderColor: PALETTE[0],
            backgroundColor: "rgba(51,102,204,0.15)", fill: true, pointRadius: 0, tension: 0.2 }],
         { plugins: { legend: { display: false } } });
}

function renderCountries(countries) {
  const top = countries.rows.slice(0, 10);
  update("chart-country", "bar", top.map((r) => r.country ?? "(none)"),
         [{ label: "net revenue (GBP)", data: top.map((r) => pounds(pence(r.net_revenue))), backgroundColor: PALETTE[0] }],
         { indexAxis: "y", plugins: { legend: { display: false } } });
}

function renderProducts(products) {
  const top = products.rows.slice(0, 10);
  update("chart-products", "bar", top.map((r) => (r.product_name || r.product_no).slice(0, 32)),
         [{ label: "net revenue (GBP)", data: top.map((r) => pounds(pence(r.net_revenue))), backgroundColor: PALETTE[3] }],
         { indexAxis: "y", plugins: { legend: { display: false } } });
}

const SEGMENTS = ["Champions", "Loyal", "New", "Needs Attention", "At Risk", "Hibernating", "Lost"];

function renderRfm(rfm) {
  const counts = new Map(SEGMENTS.map((s) => [s, 0]));
  for (const row of rfm.rows) counts.set(row.segment, (counts.get(row.segment) || 0) + 1);
  const labels = [...counts.keys()];
  update("chart-rfm", "doughnut", labels,
         [{ data: labels.map((s) => counts.get(s)), backgroundColor: labels.map((_, i) => PALETTE[i % PALETTE.length]) }],
         { plugins: { legend: { position: "right" } } });
}

function renderCancellations(monthly) {
  const months = monthly.rows.map((r) => r.month.slice(0, 7));
  update("chart-cancellations", "bar", months, [
    { type: "bar", label: "cancellations", data: monthly.rows.map((r) => r.cancellations), backgroundColor: PALETTE[1], yAxisID: "y" },
    { type: "line", label: "cancellation rate (%)", data: monthly.rows.map((r) => 100 * r.cancellation_rate),
      borderColor: PALETTE[2], yAxisID: "rate", pointRadius: 2 },
  ], { scales: { y: { position: "left" }, rate: { position: "right", grid: { drawOnChartArea: false } } } });
}

/** Prometheus text format -> [{name, labels, value}]. */
function parseMetrics(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const l of (match[2] || "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

let previousOut = null;  // {time, perStage}: for events per second between two polls

function fillTable(id, rows) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      td.textContent = cell;
      tr.appendChild(td);
    }
    return tr;
  }));
}

function renderHealth(samples) {
  const stages = new Map();
  const expectations = new Map();
  const tables = new Map();
  const stage = (name) => {
    if (!stages.has(name)) stages.set(name, {});
    return stages.get(name);
  };
  for (const s of samples) {
    const short = s.name.replace(/^jsm_stage_/, "").replace(/_total$/, "");
    if (s.name.startsWith("jsm_stage_") && s.labels.stage) stage(s.labels.stage)[short] = s.value;
    if (s.name === "jsm_expectation_passed_total" || s.name === "jsm_expectation_failed_total") {
      const key = s.labels.expectation + "\u0000" + s.labels.action;
      const e = expectations.get(key) || { expectation: s.labels.expectation, action: s.labels.action, passed: 0, failed: 0 };
      e[s.name.includes("passed") ? "passed" : "failed"] = s.value;
      expectations.set(key, e);
    }
    if (s.name === "jsm_table_version" || s.name === "jsm_table_rows") {
      const t = tables.get(s.labels.table) || {};
      t[s.name === "jsm_table_version" ? "version" : "rows"] = s.value;
      tables.set(s.labels.table, t);
    }
  }
  const now = performance.now();
  const rates = {};
  for (const [name, s] of stages) {
    if (previousOut && previousOut.perStage[name] !== undefined && now > previousOut.time) {
      rates[name] = ((s.events_out || 0) - previousOut.perStage[name]) / ((now - previousOut.time) / 1000);
    }
  }
  previousOut = { time: now, perStage: Object.fromEntries([...stages].map(([n, s]) => [n, s.events_out || 0])) };
  fillTable("health-stages", [...stages].map(([name, s]) => [
    name, count.format(s.batches || 0), count.format(s.events_in || 0), count.format(s.events_out || 0),
    rates[name] === undefined ? "–" : count.format(Math.round(rates[name])),
    count.format(s.quarantined || 0), count.format(s.dead_letters || 0),
    s.last_batch_timestamp_seconds ? new Date(s.last_batch_timestamp_seconds * 1000).toLocaleTimeString() : "–",
  ]));
  fillTable("health-expectations", [...expectations.values()].map((e) => [
    e.expectation, e.action, count.format(e.passed), count.format(e.failed),
    e.passed + e.failed > 0 ? (100 * e.passed / (e.passed + e.failed)).toFixed(2) + " %" : "–",
  ]));
  fillTable("health-tables", [...tables].filter(([name]) => !name.startsWith("_system")).map(([name, t]) => [
    name, String(t.version ?? "–"), count.format(t.rows ?? 0),
  ]));
}

/** Sets a health figure: its text, and data-value (the number, or "" when unknown) for tests. */
function setFigure(id, value, note) {
  const element = document.getElementById(id);
  const shown = element.querySelector(".value");
  shown.textContent = value === null ? "–" : count.format(value);
  shown.dataset.value = value === null ? "" : String(value);
  const noteElement = element.querySelector(".note");
  if (noteElement) noteElement.textContent = note || "";
}

/** Consumer lag per partition and commit conflicts from /api/health. */
function renderLag(health) {
  const lag = health.lag;
  if (!lag.configured) {
    setFigure("health-lag-total", null, "not measured: " + lag.reason);
    fillTable("health-lag", []);
  } else if (!lag.kafka_up) {
    setFigure("health-lag-total", null, "Kafka unreachable: " + (lag.error || ""));
    fillTable("health-lag", []);
  } else {
    setFigure("health-lag-total", lag.total, "topic " + lag.topic + ", " + lag.partitions.length + " partition(s)");
    fillTable("health-lag", lag.partitions.map((p) => [
      String(p.partition), count.format(p.high_watermark), p.bronze_offset < 0 ? "–" : count.format(p.bronze_offset),
      p.group_offset === undefined ? "–" : count.format(p.group_offset), count.format(p.lag),
    ]));
  }
  setFigure("health-conflicts-total", health.commit_conflicts.total);
  fillTable("health-conflicts", health.commit_conflicts.by_table.map((c) => [c.stage, c.table, count.format(c.conflicts)]));
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const [monthly, rfm, daily, countries, products, metrics, health] = await Promise.all([
      goldTable("monthly_kpis"), goldTable("customer_rfm"), goldTable("daily_sales"),
      goldTable("country_summary"), goldTable("product_performance", "&order=revenue_rank&limit=10"),
      getText("/metrics").then(parseMetrics).catch(() => null),
      getJson("/api/health").catch(() => null),
    ]);
    if (metrics) renderHealth(metrics);
    if (health) renderLag(health);
    if (!monthly) {
      status.textContent = "waiting for the first gold commit…";
      return;
    }
    renderKpis(monthly, rfm);
    if (daily) renderRevenue(daily);
    if (countries) renderCountries(countries);
    if (products) renderProducts(products);
    if (rfm) renderRfm(rfm);
    renderCancellations(monthly);
    status.className = "status";
    status.textContent = "gold/monthly_kpis version " + monthly.version + " · updated " + new Date().toLocaleTimeString();
  } catch (error) {
    status.className = "status error";
    status.textContent = "refresh failed: " + error.message;
  }
}

async function loop() {
  await refresh();
  setTimeout(loop, INTERVAL_MS);
}

document.getElementById("interval").textContent = String(INTERVAL_MS / 1000);
loop();
