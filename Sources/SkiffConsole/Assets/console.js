// The Skiff console: polls this site's JSON API and draws five views. Every value from the API
// goes into the page as text (textContent, attributes), never as markup.
"use strict";

const state = { network: null, throughput: null, selected: null, charts: {} };
const NS = "http://www.w3.org/2000/svg";

function el(tag, attributes = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.setAttribute("class", value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function bytes(value) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}
const rate = (value) => bytes(value) + "/s";
const short = (commit) => (commit ? commit.slice(0, 12) : "–");

async function getJSON(path) {
  const response = await fetch(path, { cache: "no-store" });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${path}: HTTP ${response.status}`);
  return body;
}

// MARK: Views

function showView(name) {
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== name;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("active", link.dataset.view === name);
}

/// Sites on a circle in name order (interior), each edge site just outside the interior site it
/// links to: the same network always gets the same picture.
function layout(network) {
  const interior = network.sites.filter((site) => !site.edge).map((site) => site.name);
  const positions = {};
  const cx = 400, cy = 280, radius = interior.length > 1 ? 200 : 0;
  interior.forEach((name, index) => {
    const angle = (2 * Math.PI * index) / Math.max(1, interior.length) - Math.PI / 2;
    positions[name] = { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle), angle };
  });
  const edges = network.sites.filter((site) => site.edge);
  const perParent = {};
  edges.forEach((site) => {
    const link = network.links.find((l) => (l.from === site.name || l.to === site.name) && l.state === "up")
      || network.links.find((l) => l.from === site.name || l.to === site.name);
    const parent = link ? (link.from === site.name ? link.to : link.from) : null;
    const base = positions[parent] || { x: cx, y: cy, angle: Math.PI / 2 };
    const slot = (perParent[parent] = (perParent[parent] || 0) + 1);
    const angle = base.angle + (slot - 1) * 0.5 - 0.25;
    positions[site.name] = { x: base.x + 90 * Math.cos(angle), y: base.y + 90 * Math.sin(angle), angle };
  });
  return positions;
}

function drawTopology(network) {
  const svg = document.getElementById("graph");
  const positions = layout(network);
  svg.replaceChildren();
  for (const link of network.links) {
    const a = positions[link.from], b = positions[link.to];
    if (!a || !b) continue;
    const label = `cost ${link.cost} · ${rate(link.rateForward + link.rateBack)}`;
    svg.append(el("svg:g", { "data-from": link.from, "data-to": link.to, "data-state": link.state },
      el("svg:line", { class: `link ${link.state}`, x1: a.x, y1: a.y, x2: b.x, y2: b.y },
        el("svg:title", {}, `${link.from} → ${link.to}${link.name ? ` (${link.name})` : ""}: ${link.state}`)),
      el("svg:text", { class: "link-label", x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 6 }, label)));
  }
  for (const site of network.sites) {
    const p = positions[site.name];
    if (!p) continue;
    const classes = `node${site.edge ? " edge" : ""}${site.reachable ? "" : " unreachable"}${state.selected === site.name ? " selected" : ""}`;
    const shape = site.edge
      ? el("svg:rect", { class: classes, x: p.x - 13, y: p.y - 13, width: 26, height: 26, rx: 3 })
      : el("svg:circle", { class: classes, cx: p.x, cy: p.y, r: 16 });
    svg.append(el("svg:g", { "data-site": site.name, "data-kind": site.edge ? "edge" : "interior",
      "data-state": site.reachable ? "reachable" : "unreachable", onclick: () => { state.selected = site.name; render(); } },
      shape, el("svg:text", { class: "node-label", x: p.x, y: p.y + 32 }, site.name + (site.local ? " (here)" : ""))));
  }
  drawDetails(network);
}

function drawDetails(network) {
  const aside = document.getElementById("details");
  const site = network.sites.find((s) => s.name === state.selected);
  if (!site) { aside.replaceChildren(el("p", { class: "muted" }, "Click a site for its details.")); return; }
  const links = network.links.filter((l) => l.from === site.name || l.to === site.name);
  const services = network.services.filter((s) => [...s.listeners, ...s.connectors].some((p) => p.site === site.name));
  aside.replaceChildren(
    el("h2", {}, site.name), el("p", {}, `${site.edge ? "edge" : "interior"} site, `, stateText(site.reachable ? "reachable" : "unreachable")),
    el("p", { class: "muted" }, `router ${site.version || "?"}`),
    el("h3", {}, "Links"),
    el("ul", {}, links.map((l) => el("li", {}, `${l.from} → ${l.to}: `, stateText(l.state), ` cost ${l.cost}`,
      l.rttMilliseconds != null ? `, rtt ${l.rttMilliseconds.toFixed(2)} ms` : "", `, ${rate(l.rateForward)} → / ${rate(l.rateBack)} ←`))),
    el("h3", {}, "Services"),
    el("ul", {}, services.map((s) => el("li", {}, s.routingKey))),
    el("h3", {}, "GitOps"),
    el("p", {}, site.gitops ? `applied ${short(site.gitops.appliedCommit)} (${site.gitops.lastResult || "?"})` : "no report"));
}

function stateText(value) {
  return el("span", { class: `state-${value}` }, value);
}

function placements(list) {
  return el("ul", {}, list.map((p) => el("li", { "data-site": p.site, "data-name": p.name },
    `${p.site}: ${p.name} (${p.address}) `, stateText(p.ready ? "up" : "down"), ` · ${p.openFlows} open`)));
}

function drawServices(network) {
  document.getElementById("services-body").replaceChildren(...network.services.map((service) =>
    el("tr", { "data-service": service.routingKey, "data-reachable": String(service.reachable) },
      el("td", {}, service.routingKey), el("td", {}, stateText(service.reachable ? "reachable" : "unreachable")),
      el("td", { class: "listeners" }, placements(service.listeners)), el("td", { class: "connectors" }, placements(service.connectors)),
      el("td", {}, service.openFlows), el("td", {}, rate(service.rate)))));
}

function earliestCertificate(gitops) {
  if (!gitops || !gitops.certificates || gitops.certificates.length === 0) return "–";
  const first = [...gitops.certificates].sort((a, b) => a.notAfter.localeCompare(b.notAfter))[0];
  return `${first.name} until ${first.notAfter.slice(0, 10)}`;
}

function drawSites(network) {
  document.getElementById("sites-body").replaceChildren(...network.sites.map((site) =>
    el("tr", { "data-site": site.name },
      el("td", {}, site.name + (site.local ? " (here)" : "")), el("td", {}, site.edge ? "edge" : "interior"),
      el("td", {}, stateText(site.reachable ? "reachable" : "unreachable")), el("td", {}, `${site.linksUp}/${site.links}`),
      el("td", {}, short(site.gitops && site.gitops.appliedCommit)),
      el("td", {}, site.gitops ? stateText(site.gitops.lastResult || "–") : "–",
        site.gitops && site.gitops.lastError ? el("div", { class: "muted" }, site.gitops.lastError) : null),
      el("td", {}, site.version || "–"), el("td", {}, earliestCertificate(site.gitops)))));
}

function drawGitOps(network) {
  document.getElementById("gitops-body").replaceChildren(...network.sites.map((site) => {
    const g = site.gitops;
    const inSync = g && g.headCommit && g.appliedCommit ? (g.headCommit === g.appliedCommit ? "yes" : "no") : "–";
    return el("tr", { "data-site": site.name },
      el("td", {}, site.name), el("td", {}, g ? g.reconciler : "–"), el("td", {}, short(g && g.headCommit)),
      el("td", {}, short(g && g.appliedCommit)), el("td", {}, inSync === "–" ? "–" : stateText(inSync)),
      el("td", {}, g ? stateText(g.lastResult || "–") : "–"), el("td", {}, g && g.lastCycleAt ? g.lastCycleAt : "–"));
  }));
  const details = network.sites.filter((site) => site.gitops).map((site) => {
    const g = site.gitops;
    return el("div", { class: "gitops-site", "data-site": site.name }, el("h2", {}, site.name),
      g.invalidCommit ? el("p", {}, `Invalid commit ${short(g.invalidCommit)}:`) : null,
      g.errors.length ? el("pre", { class: "errors" }, g.errors.join("\n")) : null,
      el("p", {}, g.pending.length ? "Pending plan:" : "Nothing pending."),
      g.pending.length ? el("pre", { class: "pending" }, g.pending.join("\n")) : null,
      el("h3", {}, "History"),
      el("ul", {}, g.history.map((entry) => el("li", {}, `${entry.at} ${short(entry.commit)} `, stateText(entry.result), ` (${entry.changes} changes)`))));
  });
  document.getElementById("gitops-details").replaceChildren(...details);
}

const palette = ["#2f6fde", "#1b873f", "#c62828", "#c68a00", "#7b4fd6", "#00838f", "#6d4c41", "#ad1457", "#558b2f", "#37474f"];

function drawCharts(report) {
  const total = state.network ? state.network.services.reduce((sum, s) => sum + s.rate, 0) : 0;
  const totalNode = document.getElementById("total-rate");
  totalNode.textContent = rate(total);
  totalNode.dataset.bytesPerSecond = String(Math.round(total));
  if (typeof Chart === "undefined" || !report) return;
  const labels = report.times.map((t) => t.slice(11, 19));
  const series = (entries) => entries.map(([name, values], index) => ({
    label: name, data: values, borderColor: palette[index % palette.length], pointRadius: 0, tension: 0.2, borderWidth: 2 }));
  const services = series(Object.entries(report.services));
  const links = series(Object.entries(report.links).flatMap(([id, pair]) => [[`${id.replace(">", " → ")}`, pair.forward],
    [`${id.split(">").reverse().join(" → ")}`, pair.back]]));
  for (const [id, datasets] of [["service-chart", services], ["link-chart", links]]) {
    const existing = state.charts[id];
    if (existing) { existing.data.labels = labels; existing.data.datasets = datasets; existing.update("none"); continue; }
    state.charts[id] = new Chart(document.getElementById(id), {
      type: "line", data: { labels, datasets },
      options: { animation: false, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { callback: (value) => rate(value) } } },
        plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${rate(item.parsed.y)}` } } } } });
  }
}

function render() {
  const network = state.network;
  if (!network) return;
  document.getElementById("site-name").textContent = `· ${network.site}`;
  document.body.dataset.site = network.site;
  drawTopology(network);
  drawServices(network);
  drawSites(network);
  drawGitOps(network);
  drawCharts(state.throughput);
  // When the network was first drawn, for benchmarks: milliseconds since navigation began.
  if (!document.body.dataset.firstRenderMs) document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
}

async function refresh() {
  const banner = document.getElementById("banner");
  try {
    state.network = await getJSON("/api/v1/network");
    banner.hidden = true;
    document.getElementById("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    banner.textContent = error.message;
    banner.hidden = false;
  }
  render();
}

async function refreshThroughput() {
  try { state.throughput = await getJSON("/api/v1/throughput?seconds=900&top=10"); } catch (error) { /* the banner says it */ }
  drawCharts(state.throughput);
}

window.addEventListener("hashchange", () => showView(location.hash.slice(1) || "topology"));
showView(location.hash.slice(1) || "topology");
refresh();
refreshThroughput();
setInterval(refresh, 2000);
setInterval(refreshThroughput, 5000);
