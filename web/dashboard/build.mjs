// Builds the dashboard into dist/: one minified bundle (src/main.js with Chart.js) plus
// index.html and style.css. No network at run time: everything the page loads is in dist/.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

const here = new URL(".", import.meta.url).pathname;
rmSync(here + "dist", { recursive: true, force: true });
mkdirSync(here + "dist");
await build({
  entryPoints: [here + "src/main.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  outfile: here + "dist/app.js",
  logLevel: "warning",
});
copyFileSync(here + "src/index.html", here + "dist/index.html");
copyFileSync(here + "src/style.css", here + "dist/style.css");
console.log("dashboard built into " + here + "dist");
