/**
 * The script of the HTML report, run in the browser: draws the map with cytoscape from the embedded
 * JSON, shows an edge's explanation on click, and filters by group, port and status. Plain ES2017,
 * no template literals, so it sits in a TypeScript string untouched.
 */
export const CLIENT_JS = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('bulkhead-data').textContent);
  var COLORS = { open: '#868e96', allowed: '#2f9e44', violation: '#f08c00', never: '#e03131', internal: '#adb5bd', hop: '#1971c2', sensitive: '#e03131' };
  var elements = [];
  data.groups.forEach(function (g) { elements.push({ data: { id: 'group:' + g, label: g, kind: 'compound' } }); });
  data.nodes.forEach(function (n) {
    var d = { id: n.id, label: n.label, kind: n.kind, title: n.title || n.id };
    if (n.group !== undefined && data.groups.indexOf(n.group) >= 0) d.parent = 'group:' + n.group;
    elements.push({ data: d, classes: (n.classes || []).join(' ') });
  });
  data.edges.forEach(function (e, i) {
    elements.push({ data: { id: 'e' + i, source: e.src, target: e.dst, label: e.label, status: e.status, color: COLORS[e.status] || COLORS.open, index: i } });
  });
  // Deterministic: each group a small grid, the groups in rows, the internet on the left; folded maps in a circle.
  function positions() {
    var pos = {}, CW = 130, CH = 90, x = 0, y = 0, rowH = 0, MAXW = 600;
    var members = {};
    data.nodes.forEach(function (n) {
      if (n.kind !== 'endpoint') return;
      var g = n.group !== undefined ? n.group : '';
      (members[g] = members[g] || []).push(n.id);
    });
    var groups = Object.keys(members).sort();
    groups.forEach(function (g) {
      var ids = members[g], k = Math.max(1, Math.ceil(Math.sqrt(ids.length)));
      var w = k * CW, h = Math.ceil(ids.length / k) * CH;
      if (x > 0 && x + w > MAXW) { x = 0; y += rowH + 60; rowH = 0; }
      ids.forEach(function (id, i) { pos[id] = { x: x + (i % k) * CW, y: y + Math.floor(i / k) * CH }; });
      x += w + 60;
      rowH = Math.max(rowH, h);
    });
    var folded = data.nodes.filter(function (n) { return n.kind === 'group'; });
    var R = Math.max(200, folded.length * 30);
    folded.forEach(function (n, i) {
      var a = (2 * Math.PI * i) / folded.length;
      pos[n.id] = { x: R * Math.cos(a), y: R * Math.sin(a) };
    });
    data.nodes.forEach(function (n) {
      if (n.kind === 'internet') pos[n.id] = folded.length ? { x: 0, y: 0 } : { x: -CW * 1.5, y: (y + rowH) / 2 };
    });
    return pos;
  }
  var cy = cytoscape({
    container: document.getElementById('map'),
    elements: elements,
    style: [
      { selector: 'node', style: { label: 'data(label)', 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 3, 'background-color': '#4c6ef5', width: 18, height: 18, color: '#212529' } },
      { selector: 'node[kind = "group"]', style: { shape: 'round-rectangle', width: 60, height: 30, 'text-valign': 'center', 'text-margin-y': 0, 'background-color': '#dbe4ff', 'border-width': 1, 'border-color': '#4c6ef5' } },
      { selector: 'node[kind = "internet"]', style: { shape: 'diamond', 'background-color': '#fd7e14', width: 28, height: 28 } },
      { selector: ':parent', style: { shape: 'round-rectangle', 'background-color': '#f1f3f5', 'background-opacity': 0.8, 'border-color': '#ced4da', 'border-width': 1, 'text-valign': 'top', 'text-halign': 'center', 'font-size': 12, 'font-weight': 'bold', padding: 12 } },
      { selector: 'node.sensitive', style: { 'border-width': 3, 'border-color': '#e03131' } },
      { selector: 'node.start', style: { 'background-color': '#fd7e14', 'border-width': 3, 'border-color': '#862e9c' } },
      { selector: 'edge', style: { width: 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': 'data(color)', 'target-arrow-color': 'data(color)', 'arrow-scale': 0.8, opacity: 0.85 } },
      { selector: 'edge:selected', style: { width: 4, 'line-color': '#7048e8', 'target-arrow-color': '#7048e8', label: 'data(label)', 'font-size': 9, 'text-background-color': '#fff', 'text-background-opacity': 0.9, opacity: 1 } },
      { selector: '.hidden', style: { display: 'none' } }
    ],
    layout: { name: 'preset', positions: positions(), padding: 20 }
  });
  cy.fit(undefined, 20);
  var panel = document.getElementById('explanation');
  var title = document.getElementById('explanation-title');
  function show(i) {
    var e = data.edges[i];
    title.textContent = e.srcLabel + ' => ' + e.dstLabel + ': ' + e.label;
    panel.textContent = e.explanation;
  }
  cy.on('tap', 'edge', function (ev) { show(ev.target.data('index')); });
  cy.on('tap', 'node', function (ev) {
    var n = ev.target;
    if (n.data('kind') === 'compound') return;
    title.textContent = n.data('title');
    var out = n.outgoers('edge').length, inc = n.incomers('edge').length;
    panel.textContent = out + ' outgoing, ' + inc + ' incoming edge(s). Click an edge for why it is open.';
  });
  function portsMatch(e, q) {
    if (!q) return true;
    var m = /^(?:(tcp|udp|sctp)[\s\/]*)?(\d+)?$/i.exec(q.trim());
    if (!m) return e.label.toLowerCase().indexOf(q.toLowerCase()) >= 0;
    var proto = m[1] ? m[1].toUpperCase() : null, port = m[2] ? Number(m[2]) : null;
    return Object.keys(e.conns).some(function (p) {
      if (proto && p !== proto) return false;
      return port === null || e.conns[p].some(function (r) { return r[0] <= port && port <= r[1]; });
    });
  }
  var groupSel = document.getElementById('filter-group');
  var portIn = document.getElementById('filter-port');
  var statusSel = document.getElementById('filter-status');
  function apply() {
    var g = groupSel.value, q = portIn.value, st = statusSel ? statusSel.value : '';
    cy.batch(function () {
      cy.edges().forEach(function (el) {
        var e = data.edges[el.data('index')];
        var inGroup = !g || e.srcGroup === g || e.dstGroup === g;
        var ok = inGroup && portsMatch(e, q) && (!st || e.status === st);
        el.toggleClass('hidden', !ok);
      });
      cy.nodes().forEach(function (n) {
        if (n.data('kind') === 'compound') return;
        var visible = n.connectedEdges().some(function (x) { return !x.hasClass('hidden'); });
        n.toggleClass('hidden', !visible);
      });
      cy.nodes().forEach(function (n) {
        if (n.data('kind') !== 'compound') return;
        n.toggleClass('hidden', n.children().every(function (c) { return c.hasClass('hidden'); }));
      });
    });
  }
  groupSel.addEventListener('change', apply);
  portIn.addEventListener('input', apply);
  if (statusSel) statusSel.addEventListener('change', apply);
  window.bulkhead = { cy: cy, data: data, show: show };
})();
`;
