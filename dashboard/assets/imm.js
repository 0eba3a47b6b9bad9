// Client-side helpers: keep the address bar in step with the page without a round trip or a re-render.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  imm: {
    syncUrl: function (href, state) {
      const ctx = window.dash_clientside.callback_context;
      const fromState = ctx.triggered.some((t) => t.prop_id.startsWith("page-state"));
      if (fromState && state && state.path === window.location.pathname) {
        const next = state.path + (state.query || "");
        if (next !== window.location.pathname + window.location.search) {
          window.history.replaceState(null, "", next);
        }
      }
      const indicator = new URLSearchParams(window.location.search).get("indicator");
      const keep = indicator ? "?indicator=" + encodeURIComponent(indicator) : "";
      return ["/", "/map" + keep, "/trends" + keep, "/data" + keep];
    },
  },
});
