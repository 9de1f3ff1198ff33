/**
 * The report's only script (inline, static: it embeds no data, so nothing from a State can reach it).
 * Without it every panel stays visible; with it a click or Enter/Space on a hop shows that hop's panel, arrow
 * keys move between hops, and printing expands everything.
 */
export const CLIENT_SCRIPT = `(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var hops = Array.prototype.slice.call(document.querySelectorAll(".hop[aria-controls]"));
  function chainOf(el) { return el.getAttribute("data-chain"); }
  function select(node) {
    var chain = chainOf(node);
    hops.forEach(function (h) {
      if (chainOf(h) !== chain) return;
      var on = h === node;
      h.setAttribute("aria-expanded", on ? "true" : "false");
      h.classList.toggle("selected", on);
      var panel = document.getElementById(h.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    });
  }
  hops.forEach(function (h) {
    h.addEventListener("click", function () { select(h); });
    h.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(h); return; }
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        var same = hops.filter(function (x) { return chainOf(x) === chainOf(h); });
        var next = same[same.indexOf(h) + (e.key === "ArrowRight" ? 1 : -1)];
        if (next) { e.preventDefault(); next.focus(); }
      }
    });
  });
  // Start each chain on its first broken hop, else hide every panel until one is chosen.
  var chains = {};
  hops.forEach(function (h) { (chains[chainOf(h)] = chains[chainOf(h)] || []).push(h); });
  Object.keys(chains).forEach(function (c) {
    var first = chains[c].filter(function (h) { return h.getAttribute("data-state") === "broken"; })[0];
    if (first) { select(first); return; }
    chains[c].forEach(function (h) {
      var panel = document.getElementById(h.getAttribute("aria-controls"));
      if (panel) panel.hidden = true;
    });
  });
  // Links from a finding or a policy to a hop select that hop.
  document.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a[data-select]") : null;
    if (!a) return;
    var node = document.getElementById(a.getAttribute("data-select"));
    if (node) select(node);
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
})();`;
