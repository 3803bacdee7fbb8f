/**
 * The inline stylesheet and script of the HTML report. Both are constants so the report's
 * Content-Security-Policy can name them by hash: nothing else may run or style the page.
 *
 * The script only adds sorting, filtering and the host-map selection; the report reads in
 * full without it (details/summary). It never writes HTML: it moves, hides and reads
 * existing elements and sets `textContent`.
 */

export const HTML_STYLE = `
:root { --bg: #fff; --fg: #1d2329; --muted: #5c6770; --line: #d8dee4; --panel: #f6f8fa;
  --ok: #1a7f37; --failed: #cf222e; --incomplete: #9a6700; --nottls: #6e7781; --accent: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d; --panel: #161b22;
    --ok: #3fb950; --failed: #f85149; --incomplete: #d29922; --nottls: #8d96a0; --accent: #4493f8; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 6px; }
h3 { font-size: 15px; margin: 22px 0 8px; }
h4 { font-size: 14px; margin: 16px 0 6px; }
code, .mono, td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.verdict { font-size: 16px; margin: 0 0 12px; }
.meta, .muted { color: var(--muted); }
.numbers { display: flex; flex-wrap: wrap; gap: 12px; margin: 14px 0; }
.number { min-width: 120px; padding: 10px 16px; border: 1px solid var(--line); border-radius: 10px; background: var(--panel); }
.number b { display: block; font-size: 34px; line-height: 1.1; }
.number.ok b { color: var(--ok); } .number.failed b { color: var(--failed); }
.number.incomplete b { color: var(--incomplete); } .number.not-tls b { color: var(--nottls); }
.certline { margin: 4px 0 12px; }
ul.groups { list-style: none; padding: 0; }
ul.groups li { margin: 6px 0 14px; padding: 8px 12px; border-left: 4px solid var(--failed); background: var(--panel); border-radius: 0 8px 8px 0; }
ul.groups p { margin: 4px 0 0; }
ul.groups p.fix b { color: var(--muted); margin-right: 6px; }
.conn-detail p.story { font-size: 15px; }
.hostmap .addr { fill: var(--muted); font-size: 11px; }
/* Drawings shrink to a narrow window instead of widening the page (and the table around them). */
svg.hostmap, svg.ladder { max-width: 100%; height: auto; }
.table-wrap { overflow-x: auto; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.st-ok { background: var(--ok); } .badge.st-failed { background: var(--failed); }
.badge.st-incomplete { background: var(--incomplete); } .badge.st-not-tls { background: var(--nottls); }
.badge.sev-error { background: var(--failed); } .badge.sev-warning { background: var(--incomplete); } .badge.sev-info { background: var(--accent); }
figure { margin: 12px 0; overflow-x: auto; }
figcaption { color: var(--muted); font-size: 12px; }
svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
svg .axis, svg .who.sub, svg .frame, svg .time { fill: var(--muted); }
svg .who { font-weight: 600; }
.hostmap .node rect { fill: var(--panel); stroke: var(--line); }
.hostmap .edge { cursor: pointer; }
.hostmap .edge .line { fill: none; stroke: var(--nottls); }
.hostmap .edge .hit { fill: none; stroke: transparent; stroke-width: 14; }
.hostmap .edge.st-ok .line { stroke: var(--ok); }
.hostmap .edge.st-failed .line { stroke: var(--failed); }
.hostmap .edge.st-incomplete .line { stroke: var(--incomplete); stroke-dasharray: 6 4; }
.hostmap .edge:hover .line, .hostmap .edge:focus .line, .hostmap .edge.selected .line { stroke-width: 6; }
.hostmap .edge .count { font-size: 11px; fill: var(--muted); }
.ladder .life { stroke: var(--line); stroke-width: 2; }
.ladder .arrow, .ladder .note { stroke: var(--fg); stroke-width: 1.4; }
.ladder .head { fill: var(--fg); }
.ladder .tcp .arrow { stroke: var(--muted); stroke-dasharray: 4 3; } .ladder .tcp .head { fill: var(--muted); }
.ladder .enc .arrow { stroke: var(--accent); } .ladder .enc .head { fill: var(--accent); }
.ladder .fatal .arrow { stroke: var(--failed); stroke-width: 2; } .ladder .fatal .head, .ladder .fatal .cross { fill: var(--failed); }
.ladder .fatal .label { fill: var(--failed); font-weight: 600; }
.ladder .gap .note { stroke: var(--incomplete); stroke-dasharray: 2 3; }
.controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 10px 0; }
.controls input, .controls select, .controls button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); white-space: nowrap; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
table.conns tbody tr.row { cursor: pointer; }
table.conns tbody tr.row:hover { background: var(--panel); }
table.conns tbody.st-failed tr.row td:first-child { border-left: 3px solid var(--failed); }
tr.detail td { padding: 0 8px 4px; border-bottom: 1px solid var(--line); }
tr.detail summary { cursor: pointer; color: var(--accent); font-size: 12.5px; padding: 2px 0; }
.conn-detail { padding: 8px 4px 16px; }
.finding { border-left: 3px solid var(--line); padding: 2px 0 2px 12px; margin: 10px 0; }
.finding.sev-error { border-color: var(--failed); } .finding.sev-warning { border-color: var(--incomplete); }
.finding dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0 0; }
.finding dt { font-weight: 600; color: var(--muted); }
.finding dd { margin: 0; }
table.certs td, table.certs th { font-size: 12.5px; }
table.certs td.mono { word-break: break-all; min-width: 18ch; max-width: 36ch; }
table.certs td.key { white-space: nowrap; }
.bad { color: var(--failed); font-weight: 600; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; word-break: break-all; }
footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12.5px; }
footer pre { white-space: pre-wrap; word-break: break-all; background: var(--panel); padding: 8px; border-radius: 6px; color: var(--fg); }
[hidden] { display: none !important; }
`;

export const HTML_SCRIPT = `
(function () {
  'use strict';
  function cellValue(cell) {
    var v = cell.getAttribute('data-v');
    return v !== null ? v : (cell.textContent || '').trim();
  }
  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== '' && b !== '' && isFinite(x) && isFinite(y)) return x - y;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  }
  var sections = document.querySelectorAll('section.capture');
  Array.prototype.forEach.call(sections, function (section) {
    var table = section.querySelector('table.conns');
    var controls = section.querySelector('.controls');
    if (!table || !controls) return;
    controls.hidden = false;
    var search = controls.querySelector('input');
    var status = controls.querySelector('select');
    var edgeNote = controls.querySelector('.edge-filter');
    var edgeText = edgeNote.querySelector('span');
    var clear = edgeNote.querySelector('button');
    var shown = controls.querySelector('.shown');
    var edges = section.querySelectorAll('svg.hostmap .edge');
    var edgeIds = null;
    function bodies() { return Array.prototype.slice.call(table.tBodies); }
    function apply() {
      var q = search.value.trim().toLowerCase();
      var st = status.value;
      var n = 0;
      var all = bodies();
      all.forEach(function (b) {
        var row = b.rows[0];
        var keep = (st === '' || b.getAttribute('data-status') === st) &&
          (q === '' || (row.textContent || '').toLowerCase().indexOf(q) >= 0) &&
          (edgeIds === null || edgeIds.indexOf(b.getAttribute('data-id')) >= 0);
        b.hidden = !keep;
        if (keep) n++;
      });
      shown.textContent = n + ' of ' + all.length + ' connections shown';
    }
    search.addEventListener('input', apply);
    status.addEventListener('change', apply);
    clear.addEventListener('click', function () {
      edgeIds = null;
      edgeNote.hidden = true;
      Array.prototype.forEach.call(edges, function (e) { e.classList.remove('selected'); });
      apply();
    });
    Array.prototype.forEach.call(edges, function (edge) {
      function pick() {
        edgeIds = (edge.getAttribute('data-ids') || '').split(' ');
        Array.prototype.forEach.call(edges, function (e) { e.classList.toggle('selected', e === edge); });
        edgeText.textContent = 'Showing ' + (edge.getAttribute('aria-label') || 'the selected connections') + ' from the host map.';
        edgeNote.hidden = false;
        apply();
        table.scrollIntoView({ block: 'nearest' });
      }
      edge.addEventListener('click', pick);
      edge.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); pick(); }
      });
    });
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th) {
      var button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        Array.prototype.forEach.call(heads, function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
        var idx = th.cellIndex;
        var list = bodies();
        list.sort(function (a, b) { return dir * compare(cellValue(a.rows[0].cells[idx]), cellValue(b.rows[0].cells[idx])); });
        list.forEach(function (b) { table.appendChild(b); });
      });
    });
    bodies().forEach(function (b) {
      b.rows[0].addEventListener('click', function (ev) {
        if (ev.target && ev.target.closest && ev.target.closest('a, button, summary')) return;
        var d = b.querySelector('details');
        if (d) d.open = !d.open;
      });
    });
    apply();
  });
})();
`;
