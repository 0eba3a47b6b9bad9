// Client-side helpers: keep the address bar in step with the page without a round trip or a re-render.
// Cross-cutting parameters (language, presenter mode, reported-only, tile view) belong to the visitor, not
// to a page: every page's address update keeps them unless the page itself sets them, and so do nav links.
const IMM_SHARED = ["lang", "present", "reported", "tiles"];
const IMM_LANG_HEADER = "X-IMM-Lang";

function immQuery(params) {
  const text = params.toString().replace(/%2C/gi, ",");
  return text ? "?" + text : "";
}

function immLang() {
  return new URLSearchParams(window.location.search).get("lang") === "en" ? "en" : "zh";
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
  document.documentElement.lang = immLang() === "en" ? "en" : "zh-CN";
})();

// Presenter mode (?present=1): no chrome, large type; keys step slides (board) or years (map), Esc leaves.
function immPresenting() {
  return new URLSearchParams(window.location.search).get("present") === "1";
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
      const shared = new URLSearchParams();
      IMM_SHARED.forEach((key) => { if (now.has(key)) shared.set(key, now.get(key)); });
      const withIndicator = new URLSearchParams(shared);
      if (now.get("indicator")) withIndicator.set("indicator", now.get("indicator"));
      const withParam = (key, value) => {
        const params = new URLSearchParams(window.location.search);
        params.set(key, value);
        return window.location.pathname + immQuery(params);
      };
      immPresentClass();
      return ["/" + immQuery(shared), "/map" + immQuery(withIndicator), "/trends" + immQuery(withIndicator),
              "/data" + immQuery(withIndicator), withParam("lang", "zh"), withParam("lang", "en"),
              withParam("present", "1")];
    },
  },
});
