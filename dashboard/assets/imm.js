// Client-side helpers: keep the address bar in step with the page without a round trip or a re-render.
// Cross-cutting parameters (language, presenter mode, reported-only, tile view) belong to the visitor, not
// to a page: every page's address update keeps them unless the page itself sets them, and so do nav links.
const IMM_SHARED = ["lang", "present", "reported", "tiles"];
const IMM_LANG_HEADER = "X-IMM-Lang";

function immQuery(params) {
  const text = params.toString().replace(/%2C/gi, ",");
  return text ? "?" + text : "";
}

// The visitor's own parameters as last seen: an in-page navigation (a link, a map click) that drops them
// gets them back, and requests made meanwhile still say the visitor's language.
let immSticky = new URLSearchParams();

function immShared(search) {
  const params = new URLSearchParams(search);
  const shared = new URLSearchParams();
  IMM_SHARED.forEach((key) => { if (params.has(key)) shared.set(key, params.get(key)); });
  return shared;
}

function immParam(key) {
  const params = new URLSearchParams(window.location.search);
  return params.has(key) ? params.get(key) : immSticky.get(key);
}

function immLang() {
  return immParam("lang") === "en" ? "en" : "zh";
}

// Every request the page makes to Dash (layout, callbacks) says which language this visitor reads, so one
// server renders each visitor's strings in their own language.
(function () {
  const original = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : (input && input.url) || "";
    if (url.indexOf("_dash-") !== -1) {
      const headers = new Headers((init && init.headers) || (input && input.headers) || {});
      headers.set(IMM_LANG_HEADER, immLang());
      headers.set("X-IMM-Present", immPresenting() ? "1" : "0");
      init = Object.assign({}, init, { headers: headers });
    }
    return original.call(this, input, init);
  };
  immSticky = immShared(window.location.search);
  document.documentElement.lang = immLang() === "en" ? "en" : "zh-CN";
})();

// Presenter mode (?present=1): no chrome, large type; keys step slides (board) or years (map), Esc leaves.
function immPresenting() {
  return immParam("present") === "1";
}

function immPresentClass() {
  document.body.classList.toggle("present", immPresenting());
}

const IMM_KEYS = {
  ArrowRight: ["slide-next", "map-next-year"], PageDown: ["slide-next", "map-next-year"],
  ArrowLeft: ["slide-prev", "map-prev-year"], PageUp: ["slide-prev", "map-prev-year"],
};

document.addEventListener("keydown", function (event) {
  if (!immPresenting() || event.altKey || event.ctrlKey || event.metaKey) return;
  const typing = event.target.closest && event.target.closest("input, textarea, select, [role=combobox], [role=slider]");
  if (event.key === "Escape") {
    const params = new URLSearchParams(window.location.search);
    params.delete("present");
    params.delete("slide");
    window.location.assign(window.location.pathname + immQuery(params));
    return;
  }
  if (typing || !(event.key in IMM_KEYS)) return;
  const target = IMM_KEYS[event.key].map((id) => document.getElementById(id)).find((el) => el);
  if (target) {
    event.preventDefault();
    target.click();
  }
});

if (document.body) immPresentClass();
document.addEventListener("DOMContentLoaded", immPresentClass);

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  imm: {
    syncUrl: function (href, state) {
      const ctx = window.dash_clientside.callback_context;
      const fromState = ctx.triggered.some((t) => t.prop_id.startsWith("page-state"));
      if (!fromState) {  // a navigation: put back the visitor's parameters it left out
        const params = new URLSearchParams(window.location.search);
        let missing = false;
        immSticky.forEach((value, key) => { if (!params.has(key)) { params.set(key, value); missing = true; } });
        if (missing) {
          window.history.replaceState(null, "", window.location.pathname + immQuery(params) + window.location.hash);
        }
      }
      if (fromState && state && state.path === window.location.pathname) {
        const current = new URLSearchParams(window.location.search);
        const next = new URLSearchParams(state.query || "");
        const owns = state.owns || [];
        IMM_SHARED.forEach((key) => {
          if (!owns.includes(key) && !next.has(key) && current.has(key)) next.set(key, current.get(key));
        });
        const target = state.path + immQuery(next);
        if (target !== window.location.pathname + window.location.search) {
          window.history.replaceState(null, "", target);
        }
      }
      const now = new URLSearchParams(window.location.search);
      const shared = immShared(window.location.search);
      immSticky = shared;
      const withIndicator = new URLSearchParams(shared);
      if (now.get("indicator")) withIndicator.set("indicator", now.get("indicator"));
      const withParam = (key, value) => {
        const params = new URLSearchParams(window.location.search);
        params.set(key, value);
        return window.location.pathname + immQuery(params);
      };
      immPresentClass();
      return ["/" + immQuery(shared), "/map" + immQuery(withIndicator), "/trends" + immQuery(withIndicator),
              "/distance" + immQuery(withIndicator), "/data" + immQuery(withIndicator), "/quality" + immQuery(withIndicator), "/sources" + immQuery(shared),
              withParam("lang", "zh"), withParam("lang", "en"), withParam("present", "1")];
    },
  },
});

// Chart images: the figure as drawn, at presentation size, with its title, sources, badge and date written
// into the picture (a slide pasted elsewhere must still say what it shows and where it comes from).
const IMM_IMAGE = { width: 1920, height: 1080 };

function immChartText(block, selectors) {
  const el = block && block.querySelector(selectors);
  return el ? el.innerText.replace(/\s+/g, " ").trim() : "";
}

function immWrap(text, width) {
  // width in Latin characters; a CJK character counts twice. Break after punctuation once past the width,
  // anywhere once well past it.
  const lines = [];
  let line = "";
  let used = 0;
  for (const char of text) {
    line += char;
    used += /[\u3000-\u9fff\uff00-\uffef]/.test(char) ? 2 : 1;
    if ((used >= width && /[\s；;，,·、）)]/.test(char)) || used >= width * 1.2) {
      lines.push(line.trim());
      line = "";
      used = 0;
    }
  }
  if (line.trim()) lines.push(line.trim());
  return lines.join("<br>");
}

function immGraph(id) {
  const holder = document.getElementById(id);
  return holder && (holder.classList.contains("js-plotly-plot") ? holder : holder.querySelector(".js-plotly-plot"));
}

function immExportFigure(graph, block) {
  const title = immChartText(block, ".chart-title, .card-title, .slide-title") || document.title;
  let source = immChartText(block, ".source-line, .card-footer, .slide-source")
    || immChartText(document, ".source-line");
  const badge = (block.querySelector && block.querySelector(".badge-illustrative"))
    || (!block.querySelector(".source-line") && document.querySelector(".source-line .badge-illustrative"));
  if (badge) {  // the badge leads, in bold, so a copied picture cannot lose it
    source = "<b>⚠ " + badge.innerText.trim() + "</b>  " + source.replace(badge.innerText.trim(), "").trim();
  }
  const layout = JSON.parse(JSON.stringify(graph.layout));
  const note = immWrap(source, 150);
  const lines = note.split("<br>").length;
  const margin = layout.margin || {};
  const legend = layout.showlegend !== false && (graph.data || []).some((t) => t.showlegend !== false && t.name);
  // the legend moves to the right, so the lines under the plot are the source alone
  if (legend) layout.legend = { orientation: "v", x: 1.01, xanchor: "left", y: 1, yanchor: "top", font: { size: 15 } };
  layout.margin = Object.assign({}, margin, { t: 110, b: 90 + 26 * lines, l: Math.max(60, margin.l || 0),
                                              r: legend ? 380 : Math.max(60, margin.r || 0) });
  layout.title = { text: title, x: 0.02, xanchor: "left", y: 0.97, yanchor: "top", font: { size: 34, color: "#1d2430" } };
  layout.paper_bgcolor = "#ffffff";
  layout.width = IMM_IMAGE.width;
  layout.height = IMM_IMAGE.height;
  layout.annotations = (layout.annotations || []).concat([{
    text: note, xref: "paper", yref: "paper", x: 0, y: 0, xanchor: "left", yanchor: "top",
    yshift: -50, showarrow: false, align: "left", font: { size: 17, color: "#3d434c" },
  }]);
  return { data: graph.data, layout: layout, config: { topojsonURL: (graph._context || {}).topojsonURL } };
}

function immSlug(text) {
  return (text || "chart").replace(/[\\/:*?"<>|\s·]+/g, "_").replace(/_+/g, "_").slice(0, 80);
}

document.addEventListener("click", function (event) {
  const button = event.target.closest && event.target.closest(".image-download");
  if (!button) return;
  const graph = immGraph(button.dataset.graph);
  if (!graph || !window.Plotly) return;
  const block = button.closest(".chart-block") || document;
  const figure = immExportFigure(graph, block);
  window.Plotly.downloadImage(figure, {
    format: button.dataset.format, width: IMM_IMAGE.width, height: IMM_IMAGE.height,
    filename: immSlug(figure.layout.title.text),
  });
});

// "Show as table": the chart's own data, laid out as rows when the reader opens it (nothing extra is sent
// with each year step).
function immTableRows(graph) {
  const rows = [];
  const seen = new Set();  // the map's inset repeats the main map's values
  const add = (row, key = row.join("\u0001")) => {
    if (!seen.has(key)) { seen.add(key); rows.push(row); }
  };
  // _fullData: plotly's decoded arrays (figures arrive with numbers packed as typed-array blobs)
  (graph._fullData || graph.data || []).forEach((trace) => {
    if (trace.visible === false || trace.hoverinfo === "skip") return;
    if (trace.type === "heatmap") { immTileRows(trace).forEach((row) => add(row, row[1])); return; }
    const name = trace.name || "";
    if (trace.locations && trace.z) {
      if (!trace.coloraxis) return;  // only the value layer: no-data and outline layers carry markers, not data
      Array.from(trace.locations).forEach((code, i) => {
        if (trace.z[i] === null || trace.z[i] === undefined || Number.isNaN(trace.z[i])) return;
        const label = trace.customdata && trace.customdata[i] ? trace.customdata[i].slice(0, 2).join(" · ") : code;
        add([name, label, trace.z[i]], label);
      });
    } else if (trace.x && trace.y) {
      const horizontal = trace.orientation === "h";
      const ys = Array.from(trace.y);
      Array.from(trace.x).forEach((x, i) => {
        const value = horizontal ? x : trace.y[i];
        const when = trace.customdata && trace.customdata[i] && String(trace.customdata[i][0]).split(" · ")[0];
        const key = horizontal ? trace.y[i] : (when || x);
        if (value === null || value === undefined || Number.isNaN(value)) return;
        add([name, typeof key === "number" ? Math.round(key * 100) / 100 : key, value]);
      });
    }
  });
  return rows;
}

document.addEventListener("toggle", function (event) {
  const details = event.target;
  if (!details.classList || !details.classList.contains("chart-table-details") || !details.open) return;
  const graph = immGraph(details.dataset.graph);
  const holder = details.querySelector(".chart-table");
  if (!graph || !holder) return;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  [details.dataset.series, details.dataset.x, details.dataset.value].forEach((text) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = text;
    head.appendChild(th);
  });
  const body = table.createTBody();
  immTableRows(graph).forEach((row) => {
    const tr = body.insertRow();
    row.forEach((cell) => { tr.insertCell().textContent = cell; });
  });
  holder.replaceChildren(table);
}, true);

// ==== map page (/map): hover panel and tile-grid table rows — begin ====
// The hover panel beside the map is drawn here, from the series the page sent once (ids.MAP_SERIES, built by
// dashboard/figures/sparkline.py): a hover or a year step costs no round trip. Every text arrives written.
const IMM_MAP_HIDDEN = { display: "none" };

function immMapCode(hover) {
  const point = hover && hover.points && hover.points[0];
  if (!point) return null;
  if (typeof point.location === "string") return point.location;  // a province on the map
  const custom = point.customdata;  // a tile: [code, name_zh, name_en, …]
  return Array.isArray(custom) && /^\d{6}$/.test(String(custom[0])) ? String(custom[0]) : null;
}

function immMapFill(text, values) {
  return Object.keys(values).reduce((out, key) => out.split("{" + key + "}").join(String(values[key])), text);
}

function immMapSparkline(store, points, current) {
  const figure = JSON.parse(JSON.stringify(store.figure));
  const xy = (rows) => ({ x: rows.map((p) => p[0]), y: rows.map((p) => p[1]) });
  Object.assign(figure.data[0], xy(points));
  Object.assign(figure.data[1], xy(points.filter((p) => !p[3])));
  Object.assign(figure.data[2], xy(points.filter((p) => p[3])));
  Object.assign(figure.data[3], xy(current ? [current] : []));
  const years = points.map((p) => p[0]);
  figure.layout.xaxis = Object.assign({}, figure.layout.xaxis, {
    range: [Math.min(...years) - 0.5, Math.max(...years) + 0.5], tickvals: [years[0], years[years.length - 1]],
  });
  return figure;
}

// Inputs: the map's hoverData, the year, the reported-only toggle, the page's series store.
// Outputs: sparkline figure and style, name, the year's value, its rank, the series in words.
function immMapHoverPanel(hover, year, reported, store) {
  const noUpdate = window.dash_clientside.no_update;
  const code = immMapCode(hover);
  if (!store || !code || !store.names[code]) {
    return [noUpdate, IMM_MAP_HIDDEN, store ? store.text.hint : noUpdate, "", "", ""];
  }
  const realOnly = Array.isArray(reported) && reported.length > 0;
  const points = ((store.regions[code] || {}).points || []).filter((p) => !(realOnly && p[3]));
  const current = points.find((p) => p[0] === year);
  const badge = { namespace: "dash_html_components", type: "Span",
                  props: { children: store.text.badge, className: "badge badge-illustrative" } };
  const value = current ? [year + ": " + current[2], current[3] ? " " : "", current[3] ? badge : ""]
                        : immMapFill(store.text.no_value, { year: year });
  const generated = points.filter((p) => p[3]).length;
  const series = !points.length ? "" : immMapFill(store.text.series, {
    n: points.length, first: points[0][0], last: points[points.length - 1][0],
  }) + (generated ? " · " + immMapFill(store.text.illustrative, { k: generated }) : "");
  return [points.length ? immMapSparkline(store, points, current) : noUpdate, points.length ? {} : IMM_MAP_HIDDEN,
          store.names[code], value, current ? current[4] : "", series];
}

// "Show as table" for the tile grid: one row per square with a value (its 1-D customdata names it).
function immTileRows(trace) {
  if (!trace.coloraxis || !trace.z) return [];
  const rows = [];
  Array.from(trace.z).forEach((z, i) => {
    if (z === null || z === undefined || Number.isNaN(z)) return;
    const custom = trace.customdata && trace.customdata[i];
    rows.push([trace.name || "", custom ? custom.slice(1, 3).join(" · ") : String(i), z]);
  });
  return rows;
}

// A province on the map, a tile or a bar in the ranking opens that province's profile, with no round trip.
// Inputs: clickData of the map (or tiles) and of the ranking. Output: the address to go to.
function immMapOpenProfile(mapClick, barClick) {
  const ctx = window.dash_clientside.callback_context;
  const fromBar = ctx.triggered_id === "map-ranking";
  const point = (((fromBar ? barClick : mapClick) || {}).points || [])[0] || {};
  const custom = Array.isArray(point.customdata) ? point.customdata[0] : undefined;
  const code = [fromBar ? undefined : point.location, custom].find((c) => typeof c === "string" && /^\d{6}$/.test(c));
  return code && code !== "100000" ? "/province/" + code : window.dash_clientside.no_update;
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
  immMap: { hoverPanel: immMapHoverPanel, openProfile: immMapOpenProfile },
});
// ==== map page — end ====
