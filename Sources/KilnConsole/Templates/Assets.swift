/// The console's style sheet and script, served from the binary: no CDN, no remote asset.
enum Assets {
    static let css = #"""
        :root { --ink: #1f1f1f; --muted: #44474e; --line: #c4c7c5; --accent: #0b57d0; --accent-ink: #ffffff; --bad: #b3261e;
          --good: #146c2e; --warn: #8a5300; --paper: #ffffff; --soft: #f3f6fc; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--paper); }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, pre:focus-visible, summary:focus-visible {
          outline: 3px solid #f9ab00; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: var(--ink); color: #fff; padding: .5rem 1rem; z-index: 10; }
        .skip:focus { left: .5rem; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1.25rem; background: #0f1c33; color: #fff; }
        header.top a { color: #fff; }
        .brand { font-weight: 700; font-size: 1.15rem; }
        .brand span { font-weight: 400; opacity: .85; }
        header nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
        header nav a { text-decoration: none; padding: .25rem .1rem; border-bottom: 3px solid transparent; }
        header nav a[aria-current="page"] { border-bottom-color: #8ab4f8; font-weight: 600; }
        .who { margin-left: auto; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
        .who label { font-size: .9rem; }
        .who select, .who button { font-size: .9rem; }
        .account { font-size: .9rem; opacity: .95; }
        main { padding: 1rem 1.25rem 3rem; max-width: 1200px; margin: 0 auto; }
        h1 { font-size: 1.6rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
        h1 .sub { font-size: 1rem; font-weight: 400; color: var(--muted); }
        h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
        h3 { font-size: 1.05rem; margin: .25rem 0 .5rem; }
        .crumbs { margin: 0; color: var(--muted); }
        .mono, code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        .meta { color: var(--muted); }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); gap: 1rem; }
        .card { border: 1px solid var(--line); border-radius: 8px; padding: 1rem; background: var(--paper); }
        .card.narrow { max-width: 28rem; }
        .card > h2:first-child, .card > h3:first-child, .card > figure:first-child { margin-top: 0; }
        .danger-zone { border-color: var(--bad); }
        dl.pairs { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
        dl.pairs dt { color: var(--muted); }
        dl.pairs dd { margin: 0; overflow-wrap: anywhere; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; margin: .25rem 0 1rem; }
        caption { text-align: left; color: var(--muted); padding: .25rem 0; }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        thead th { background: var(--soft); font-weight: 600; white-space: nowrap; }
        tr.orphaned td { background: #fcefee; }
        td.mono { white-space: nowrap; }
        section > form.card { max-width: 40rem; margin-top: .5rem; }
        .state { display: inline-block; padding: 0 .45rem; border-radius: 999px; border: 1px solid currentColor; font-size: .85rem; white-space: nowrap; }
        .state-available, .state-running, .state-completed { color: var(--good); }
        .state-pending, .state-stopping, .state-shutting-down { color: var(--warn); }
        .state-failed, .state-error, .state-terminated, .state-deregistered, .state-disabled, .state-stopped { color: var(--bad); }
        .badge { display: inline-block; padding: 0 .4rem; border-radius: 4px; background: #e3e3e3; color: var(--ink); font-size: .8rem; }
        .badge.warn { background: #fcefee; color: var(--bad); border: 1px solid var(--bad); }
        .severity-high { color: var(--bad); font-weight: 700; }
        .severity-medium { color: var(--warn); font-weight: 600; }
        .tabs ul { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; padding: 0; margin: 0 0 1rem; border-bottom: 1px solid var(--line); }
        .tabs a { display: block; padding: .4rem .8rem; text-decoration: none; border: 1px solid transparent; border-bottom: none; border-radius: 6px 6px 0 0; }
        .tabs a[aria-current="page"] { border-color: var(--line); background: var(--paper); font-weight: 600; margin-bottom: -1px; color: var(--ink); }
        form.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 200px), 1fr)); gap: .5rem 1rem; align-items: end;
          background: var(--soft); padding: .75rem 1rem; border-radius: 8px; }
        .field { display: flex; flex-direction: column; gap: .2rem; margin-bottom: .6rem; }
        .field.check { flex-direction: row; align-items: center; gap: .5rem; }
        .field label { font-weight: 600; font-size: .9rem; }
        .field.check label { font-weight: 400; }
        input, select, button { font: inherit; }
        input:not([type=checkbox]), select { padding: .35rem .5rem; border: 1px solid #747775; border-radius: 4px; min-width: 0; max-width: 100%; background: #fff; color: var(--ink); }
        input[type=checkbox] { width: 1.1rem; height: 1.1rem; }
        button { padding: .35rem .9rem; border-radius: 4px; border: 1px solid #747775; background: #fff; color: var(--ink); cursor: pointer; }
        button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); }
        button.danger { border-color: var(--bad); color: var(--bad); }
        .buttons { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .4rem 0; }
        form.inline { display: inline-flex; flex-wrap: wrap; gap: .35rem; align-items: center; margin: 0; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0 1rem; }
        .flash { padding: .75rem 1rem; border-radius: 6px; margin: 0 0 1rem; border: 1px solid; }
        .flash.error { background: #fcefee; border-color: var(--bad); color: #601410; }
        .flash.notice { background: #e6f4ea; border-color: var(--good); color: #0d3d1a; }
        .code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        .note { color: var(--muted); }
        .pager { display: flex; gap: 1rem; }
        pre#console-output { background: #111; color: #e8e8e8; padding: .75rem; border-radius: 6px; max-height: 24rem; overflow: auto; white-space: pre-wrap; min-height: 4rem; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 1rem; }
        figure { margin: 0; }
        figcaption { color: var(--muted); font-size: .9rem; }
        svg.chart, .lineage svg { max-width: 100%; height: auto; }
        .lineage { border: 1px solid var(--line); border-radius: 8px; padding: .5rem; background: var(--soft); }
        .lineage-node:focus-visible rect { stroke: #f9ab00; stroke-width: 3; }
        .refresh { margin: .5rem 0; }
        progress { width: 100%; height: 1rem; }
        @media (max-width: 640px) {
          main { padding: .75rem; }
          header.top { padding: .5rem .75rem; }
          .who { margin-left: 0; }
          h1 { font-size: 1.3rem; }
          dl.pairs { grid-template-columns: 1fr; }
          dl.pairs dd { margin-bottom: .4rem; }
          th, td { padding: .3rem .4rem; }
        }
        """#

    static let script = #"""
        // Live updates, for browsers with JavaScript; every page reads the same without it.
        (function () {
          "use strict";
          // The console output of a running instance, and its state, every two seconds.
          function poll(box) {
            var url = box.getAttribute("data-poll");
            var state = document.getElementById("instance-state");
            var when = document.getElementById("output-time");
            function tick() {
              fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
                .then(function (response) { return response.ok ? response.json() : null; })
                .then(function (status) {
                  if (!status) { return; }
                  if (box.textContent !== status.output) {
                    var atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
                    box.textContent = status.output;
                    if (atEnd) { box.scrollTop = box.scrollHeight; }
                  }
                  if (state) { state.textContent = status.state; state.className = "state state-" + status.state; }
                  if (when) { when.textContent = status.at; }
                  if (status.live) { window.setTimeout(tick, 2000); }
                })
                .catch(function () { window.setTimeout(tick, 5000); });
            }
            window.setTimeout(tick, 2000);
          }
          // Pages of resources between states reload themselves until they settle.
          function reload(element) {
            var delay = parseInt(element.getAttribute("data-reload"), 10) || 4000;
            window.setTimeout(function () { window.location.reload(); }, delay);
          }
          document.addEventListener("DOMContentLoaded", function () {
            var box = document.querySelector("[data-poll]");
            if (box) { poll(box); }
            var changing = document.querySelector("[data-reload]");
            if (changing) { reload(changing); }
          });
        })();
        """#
}
