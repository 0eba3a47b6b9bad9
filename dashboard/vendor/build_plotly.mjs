// Builds dashboard/vendor/plotly-imm.min.js: plotly.js with only the trace types the dashboard draws.
// Run through `make plotly` (which installs plotly.js and esbuild into a scratch directory first); the
// version must equal the plotly.js that the installed plotly Python package ships (dashboard/plotly_bundle.py).
import * as esbuild from "esbuild";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

const [, , outfile, ...traces] = process.argv;
const entry = resolve("imm-entry.js");
writeFileSync(entry, [
  "'use strict';",
  "var Plotly = require('plotly.js/lib/core');",
  `Plotly.register([${traces.filter((t) => t !== "scatter").map((t) => `require('plotly.js/lib/${t}')`).join(", ")}]);`,
  "module.exports = Plotly;",
  "",
].join("\n"));
await esbuild.build({
  entryPoints: [entry], outfile, format: "iife", globalName: "Plotly", bundle: true, minify: true,
  target: "es2016", legalComments: "eof", loader: { ".css": "empty" },  // maplibre's CSS: no map traces here alias: { stream: "stream-browserify" },
  define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" }, logLevel: "warning",
});
