// Opens the dashboard in the machine's headless Chromium (playwright-core, never a
// downloaded browser) and answers commands on stdin, one JSON line per answer on stdout:
//   snapshot        -> {"kpis": {id: data-value} | null, "monthlyVersion", "rfmVersion", "status", "healthRows", "charts",
//                       "lag": {value, text, note}, "lagRows", "conflicts": {value, text}}  (value: data-value, "" = unknown)
//   screenshot PATH -> {"screenshot": PATH}
//   quit
// Usage: node dashboard_driver.mjs URL [CHROMIUM]   (CHROMIUM defaults to $JSM_CHROMIUM or /usr/bin/chromium)
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";

const [url, executable = process.env.JSM_CHROMIUM || "/usr/bin/chromium"] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: executable, headless: true, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
const errors = [];
page.on("pageerror", (error) => errors.push(String(error)));
// Console errors too (a Content-Security-Policy violation), and any file of the page itself
// that is refused (a 401 without the token). A data request that fails (/api/..., /metrics: a gold
// table not there yet) is the page's to show as such, and the browser logs it as "Failed to load
// resource": those lines are left to the response check.
page.on("console", (message) => {
  if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
    errors.push("console: " + message.text());
  }
});
page.on("response", (response) => {
  const path = new URL(response.url()).pathname;
  const data = path.startsWith("/api/") || path === "/metrics" || path === "/readyz";
  if (response.status() >= 400 && !data) errors.push(`HTTP ${response.status()} for ${path}`);
});
await page.goto(url, { waitUntil: "load" });
console.log(JSON.stringify({ ready: true }));

async function snapshot() {
  return page.evaluate(() => {
    const kpis = {};
    let complete = true;
    for (const element of document.querySelectorAll(".kpi")) {
      const value = element.querySelector(".value");
      if (value.dataset.value === undefined) complete = false;
      kpis[element.id] = { value: value.dataset.value ?? null, text: value.textContent };
    }
    const box = document.querySelector(".kpis").dataset;
    const charts = [...document.querySelectorAll("canvas")].filter((c) => c.width > 0 && c.height > 0).length;
    const figure = (id) => {
      const element = document.getElementById(id);
      if (!element) return null;
      const value = element.querySelector(".value");
      const note = element.querySelector(".note");
      return { value: value.dataset.value ?? null, text: value.textContent, note: note ? note.textContent : null };
    };
    return {
      kpis: complete ? kpis : null,
      monthlyVersion: box.monthlyKpisVersion ?? null,
      rfmVersion: box.customerRfmVersion ?? null,
      status: document.getElementById("status").textContent,
      healthRows: document.querySelectorAll("#health-stages tbody tr").length,
      lag: figure("health-lag-total"),
      lagRows: document.querySelectorAll("#health-lag tbody tr").length,
      conflicts: figure("health-conflicts-total"),
      charts,
    };
  });
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, ...rest] = line.trim().split(" ");
  if (command === "snapshot") {
    console.log(JSON.stringify({ ...(await snapshot()), pageErrors: errors }));
  } else if (command === "screenshot") {
    await page.screenshot({ path: rest.join(" "), fullPage: true });
    console.log(JSON.stringify({ screenshot: rest.join(" ") }));
  } else if (command === "quit") {
    break;
  }
}
await browser.close();
process.exit(0);
