// The floor's countdowns: every element with data-closes (ms since 1970) counts down to it,
// measured against the node's clock when the page was made (data-now), not the device's.
// A page that asks for it (the projector: data-refresh, in seconds) reloads itself.
(function () {
  const every = Number(document.body.dataset.refresh || 0);
  if (every > 0) setTimeout(function () { location.reload(); }, every * 1000);
})();
(function () {
  const shown = document.querySelectorAll("[data-closes]");
  if (!shown.length) return;
  const start = Date.now();
  function tick() {
    shown.forEach(function (el) {
      const left = Number(el.dataset.closes) - (Number(el.dataset.now) + Date.now() - start);
      if (left <= 0) { el.textContent = "closed"; return; }
      const s = Math.floor(left / 1000);
      const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
      el.textContent = (h ? h + " h " : "") + m + " min " + String(sec).padStart(2, "0") + " s left";
    });
  }
  tick();
  setInterval(tick, 1000);
})();
