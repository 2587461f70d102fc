#!/usr/bin/env node
// Validates the objects helm_render produced, as the API server and helm would:
//   1. every object against its Kubernetes (kubernetes-models) or Prometheus Operator
//      (@kubernetes-models/prometheus-operator) OpenAPI schema: types, required fields, formats;
//   2. no unknown fields anywhere (what kubectl's and helm's strict validation reject), using
//      the models' TypeScript declarations as the field lists;
//   3. what only shows at run time: names Kubernetes accepts, selectors that select the pods,
//      references (Services, ports, probes, volumes, ConfigMaps, Secrets and their keys,
//      ServiceAccounts, $(VAR) in args) that resolve, and aion's own contract (probes on the
//      health paths, the config file, the dashboard's JSON).
// Usage: node validate.js RENDERED.json [--replicas N] [--kinds Kind,Kind...]
//          [--external-secret NAME/KEY]... [--external-service-account NAME]
//          [--namespace NS] [--extra-namespace NS]
// Prints one line per problem and exits 1 if there is any.
"use strict";

const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);

// ---------- arguments
const args = process.argv.slice(2);
const options = { externalSecrets: new Set(), externalServiceAccounts: new Set(), extraNamespaces: new Set() };
let renderedFile = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--replicas") options.replicas = Number(args[++i]);
  else if (a === "--kinds") options.kinds = args[++i].split(",").sort();
  else if (a === "--external-secret") options.externalSecrets.add(args[++i]);
  else if (a === "--external-service-account") options.externalServiceAccounts.add(args[++i]);
  else if (a === "--namespace") options.namespace = args[++i];
  else if (a === "--extra-namespace") options.extraNamespaces.add(args[++i]);
  else if (!renderedFile) renderedFile = a;
  else throw new Error(`unexpected argument ${a}`);
}
const rendered = JSON.parse(fs.readFileSync(renderedFile, "utf8"));
const objects = rendered.manifests.map((m) => ({ source: m.source, ...m.object, __object: m.object }));
const describe = (o) => `${o.kind}/${o.metadata.name}`;

// ---------- 1. schemas
const modelsRoot = path.dirname(path.dirname(require.resolve("kubernetes-models/package.json")));

function modelModule(apiVersion, kind) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

for (const o of objects) {
  const module = modelModule(o.apiVersion, o.kind);
  let Model;
  try {
    Model = require(module)[o.kind];
  } catch (e) {
    problem(describe(o), `no schema for ${o.apiVersion} ${o.kind}`);
    continue;
  }
  try {
    new Model(JSON.parse(JSON.stringify(o.__object))).validate();
  } catch (e) {
    problem(describe(o), `schema: ${e.message}`);
  }
}

// ---------- 2. unknown fields, from the models' declarations
const declarations = new Map(); // .d.ts file -> { types: Map(name -> node), imports: Map(name -> {file, name}) }

function declarationFile(specifier, fromDir) {
  const base = specifier.startsWith(".") ? path.resolve(fromDir, specifier) : path.join(modelsRoot, specifier);
  for (const candidate of [base + ".d.ts", path.join(base, "index.d.ts")]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

function loadDeclarations(file) {
  if (declarations.has(file)) return declarations.get(file);
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const entry = { types: new Map(), imports: new Map(), aliases: new Map() };
  declarations.set(file, entry);
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      entry.types.set(statement.name.text, statement);
    } else if (ts.isImportDeclaration(statement) && statement.importClause && statement.importClause.namedBindings) {
      const target = declarationFile(statement.moduleSpecifier.text, path.dirname(file));
      if (!target || !ts.isNamedImports(statement.importClause.namedBindings)) continue;
      for (const element of statement.importClause.namedBindings.elements) {
        entry.imports.set(element.name.text, { file: target, name: (element.propertyName || element.name).text });
      }
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        if (element.propertyName) entry.aliases.set(element.name.text, element.propertyName.text);
      }
    }
  }
  return entry;
}

// The declaration of type `name` as seen from `file`: { node, file } or null.
function resolveType(file, name, depth = 0) {
  if (depth > 20) return null;
  const entry = loadDeclarations(file);
  const local = entry.aliases.get(name) || name;
  if (entry.types.has(local)) return { node: entry.types.get(local), file };
  const imported = entry.imports.get(local);
  if (imported) return resolveType(imported.file, imported.name, depth + 1);
  return null;
}

// The text of an identifier or a qualified name (works on synthesized nodes too).
function entityName(node) {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isQualifiedName(node)) return `${entityName(node.left)}.${node.right.text}`;
  if (ts.isPropertyAccessExpression(node)) return `${entityName(node.expression)}.${node.name.text}`;
  return node.getText();
}

function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

// Problems found checking `value` against `type` (a TypeNode) declared in `file`.
function checkType(value, type, file, where, out) {
  if (!type) return;
  if (ts.isParenthesizedTypeNode(type)) return checkType(value, type.type, file, where, out);
  if (ts.isArrayTypeNode(type)) {
    if (Array.isArray(value)) value.forEach((v, i) => checkType(v, type.elementType, file, `${where}[${i}]`, out));
    return;
  }
  if (ts.isTypeLiteralNode(type)) return checkMembers(value, type.members, [], file, where, out);
  if (ts.isUnionTypeNode(type)) {
    // Accept the value if any object-shaped member accepts it.
    const candidates = type.types.filter((t) => !ts.isLiteralTypeNode(t) && t.kind !== ts.SyntaxKind.StringKeyword &&
      t.kind !== ts.SyntaxKind.NumberKeyword && t.kind !== ts.SyntaxKind.BooleanKeyword);
    if (candidates.length === 0) return;
    let best = null;
    for (const candidate of candidates) {
      const found = [];
      checkType(value, candidate, file, where, found);
      if (found.length === 0) return;
      if (!best || found.length < best.length) best = found;
    }
    out.push(...best);
    return;
  }
  if (ts.isTypeReferenceNode(type)) {
    const name = entityName(type.typeName);
    if (name === "Array" && type.typeArguments) {
      if (Array.isArray(value)) value.forEach((v, i) => checkType(v, type.typeArguments[0], file, `${where}[${i}]`, out));
      return;
    }
    const declaration = resolveType(file, name);
    if (!declaration) return; // a type the declarations do not spell out (TypeMeta, Date): no check
    if (ts.isTypeAliasDeclaration(declaration.node)) return checkType(value, declaration.node.type, declaration.file, where, out);
    const inherited = [];
    for (const clause of declaration.node.heritageClauses || []) {
      for (const base of clause.types) {
        const baseName = entityName(base.expression);
        const resolved = resolveType(declaration.file, baseName);
        if (resolved && ts.isInterfaceDeclaration(resolved.node)) inherited.push(...resolved.node.members);
        else if (baseName === "TypeMeta") inherited.push("apiVersion", "kind");
      }
    }
    return checkMembers(value, declaration.node.members, inherited, declaration.file, where, out);
  }
  // string, number, boolean, any, literals: nothing below them.
}

function checkMembers(value, members, inherited, file, where, out) {
  if (!isPlainObject(value)) return;
  const properties = new Map();
  let index = null;
  for (const member of [...members, ...inherited]) {
    if (typeof member === "string") properties.set(member, null);
    else if (ts.isPropertySignature(member)) properties.set(ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : member.name.getText(), member.type);
    else if (ts.isIndexSignatureDeclaration(member)) index = member.type;
  }
  for (const [key, v] of Object.entries(value)) {
    if (properties.has(key)) checkType(v, properties.get(key), file, `${where}.${key}`, out);
    else if (index) checkType(v, index, file, `${where}.${key}`, out);
    else out.push(`${where}.${key}: unknown field`);
  }
}

for (const o of objects) {
  const file = declarationFile(modelModule(o.apiVersion, o.kind), modelsRoot);
  if (!file) continue; // already reported: no schema
  const found = [];
  const declaration = resolveType(file, `I${o.kind}`);
  if (!declaration) {
    problem(describe(o), `no declaration I${o.kind} in ${file}`);
    continue;
  }
  checkType(o.__object, ts.factory.createTypeReferenceNode(`I${o.kind}`), file, "", found);
  for (const f of found) problem(describe(o), f.replace(/^\./, ""));
}

// ---------- 3. what the API server and the kubelet would refuse later
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const configKey = /^[-._a-zA-Z0-9]+$/;
const envName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const portName = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function checkKey(where, key) {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== null && (prefix.length > 253 || !dns1123Subdomain.test(prefix))) problem(where, `bad key prefix in ${key}`);
  if (name.length > 63 || !qualifiedName.test(name)) problem(where, `bad key name in ${key}`);
}

function checkMetadata(where, meta) {
  if (!meta) return problem(where, "no metadata");
  for (const [k, v] of Object.entries(meta.labels || {})) {
    checkKey(where, k);
    if (typeof v !== "string" || v.length > 63 || !labelValue.test(v)) problem(where, `bad label value ${k}=${v}`);
  }
  for (const k of Object.keys(meta.annotations || {})) checkKey(where, k);
}

const selects = (selector, labels) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => (labels || {})[k] === v);

const byKind = (kind) => objects.filter((o) => o.kind === kind);
const services = byKind("Service");
const configMaps = new Map(byKind("ConfigMap").map((o) => [o.metadata.name, o]));
const secrets = new Map(byKind("Secret").map((o) => [o.metadata.name, o]));
const serviceAccounts = new Set(byKind("ServiceAccount").map((o) => o.metadata.name));
const namespace = options.namespace;

for (const o of objects) {
  const where = describe(o);
  const name = o.metadata && o.metadata.name;
  if (typeof name !== "string" || name.length > 253 || !dns1123Subdomain.test(name)) problem(where, "invalid name");
  if (o.kind === "Service" && (name.length > 63 || !dns1035Label.test(name))) problem(where, "a Service name must be a DNS-1035 label");
  if (o.kind === "StatefulSet" && name.length > 52) problem(where, "StatefulSet names over 52 characters break pod labels");
  checkMetadata(where, o.metadata);
  const ns = o.metadata.namespace;
  if (!ns || !dns1123Label.test(ns)) problem(where, "no valid metadata.namespace");
  else if (namespace && ns !== namespace && !options.extraNamespaces.has(ns)) problem(where, `namespace ${ns}, expected ${namespace}`);
  if (o.kind === "ConfigMap" || o.kind === "Secret") {
    for (const key of Object.keys(o.data || {})) if (!configKey.test(key)) problem(where, `bad data key ${key}`);
  }
  if (o.kind === "Secret") {
    for (const [key, value] of Object.entries(o.data || {})) {
      if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) problem(where, `data.${key} is not base64`);
      else if (Buffer.from(value, "base64").length === 0) problem(where, `data.${key} is empty`);
    }
  }
}

function secretExists(name, key) {
  if (options.externalSecrets.has(`${name}/${key}`)) return true;
  const s = secrets.get(name);
  return !!s && ((s.data && key in s.data) || (s.stringData && key in s.stringData));
}

const statefulSets = byKind("StatefulSet");
if (statefulSets.length !== 1) problem("chart", `expected one StatefulSet, got ${statefulSets.length}`);
for (const set of statefulSets) {
  const where = describe(set);
  const spec = set.spec;
  const pod = spec.template;
  const podLabels = pod.metadata.labels || {};
  checkMetadata(`${where} pod template`, pod.metadata);
  for (const claim of spec.volumeClaimTemplates || []) checkMetadata(`${where} claim ${claim.metadata.name}`, claim.metadata);
  if (options.replicas !== undefined && spec.replicas !== options.replicas) problem(where, `replicas ${spec.replicas}, expected ${options.replicas}`);
  if (!selects(spec.selector.matchLabels, podLabels)) problem(where, "selector does not select its own pod template");
  const governing = services.find((s) => s.metadata.name === spec.serviceName);
  if (!governing) problem(where, `serviceName ${spec.serviceName} is not rendered`);
  else {
    if (governing.spec.clusterIP !== "None") problem(where, `serviceName ${spec.serviceName} is not headless`);
    if (!governing.spec.publishNotReadyAddresses) problem(where, "the headless Service must publish starting nodes (publishNotReadyAddresses)");
  }
  const podSpec = pod.spec;
  const sa = podSpec.serviceAccountName;
  if (sa && !serviceAccounts.has(sa) && !options.externalServiceAccounts.has(sa)) problem(where, `ServiceAccount ${sa} is not rendered`);
  const volumes = new Map((podSpec.volumes || []).map((v) => [v.name, v]));
  for (const claim of spec.volumeClaimTemplates || []) {
    if (volumes.has(claim.metadata.name)) problem(where, `volume ${claim.metadata.name} is both a volume and a claim template`);
    volumes.set(claim.metadata.name, { persistentVolumeClaim: {} });
  }
  for (const v of podSpec.volumes || []) {
    if (v.configMap && !configMaps.has(v.configMap.name)) problem(where, `volume ${v.name}: ConfigMap ${v.configMap.name} is not rendered`);
    if (v.secret && !secrets.has(v.secret.secretName)) problem(where, `volume ${v.name}: Secret ${v.secret.secretName} is not rendered`);
  }
  if (podSpec.containers.length !== 1) problem(where, "expected one container");
  for (const c of podSpec.containers) {
    const cw = `${where} container ${c.name}`;
    const ports = new Map();
    for (const p of c.ports || []) {
      if (!p.name || p.name.length > 15 || !portName.test(p.name) || !/[a-z]/.test(p.name)) problem(cw, `bad port name ${p.name}`);
      if (ports.has(p.name)) problem(cw, `duplicate port ${p.name}`);
      ports.set(p.name, p.containerPort);
    }
    const env = new Set();
    for (const e of c.env || []) {
      if (!envName.test(e.name)) problem(cw, `bad env name ${e.name}`);
      if (env.has(e.name)) problem(cw, `duplicate env ${e.name}`);
      env.add(e.name);
      const ref = e.valueFrom && e.valueFrom.secretKeyRef;
      if (ref && !secretExists(ref.name, ref.key)) problem(cw, `env ${e.name}: Secret ${ref.name} key ${ref.key} does not exist`);
      const cref = e.valueFrom && e.valueFrom.configMapKeyRef;
      if (cref && !(configMaps.has(cref.name) && cref.key in (configMaps.get(cref.name).data || {}))) problem(cw, `env ${e.name}: ConfigMap key missing`);
    }
    for (const a of [...(c.command || []), ...(c.args || [])]) {
      for (const m of a.matchAll(/\$\(([^)]+)\)/g)) if (!env.has(m[1])) problem(cw, `${a} refers to undefined $(${m[1]})`);
    }
    for (const mount of c.volumeMounts || []) {
      if (!volumes.has(mount.name)) problem(cw, `mount ${mount.name} has no volume`);
    }
    const probePort = (probe, name) => {
      if (!probe) return problem(cw, `no ${name}`);
      const http = probe.httpGet;
      if (!http) return problem(cw, `${name} is not an HTTP probe`);
      const port = typeof http.port === "string" ? ports.get(http.port) : http.port;
      if (port === undefined) problem(cw, `${name} port ${http.port} is not a container port`);
      return { path: http.path, port };
    };
    const live = probePort(c.livenessProbe, "livenessProbe");
    const ready = probePort(c.readinessProbe, "readinessProbe");
    const startup = probePort(c.startupProbe, "startupProbe");
    // aion's contract (docs/metrics.md): health on the metrics port.
    if (live && live.path !== "/health/live") problem(cw, "livenessProbe must GET /health/live");
    if (startup && startup.path !== "/health/live") problem(cw, "startupProbe must GET /health/live");
    if (ready && ready.path !== "/health/ready") problem(cw, "readinessProbe must GET /health/ready");
    if (live && live.port !== ports.get("metrics")) problem(cw, "probes must use the metrics port");
    const configVolume = [...volumes.values()].find((v) => v.configMap);
    const config = configVolume && configMaps.get(configVolume.configMap.name);
    if (!config || !config.data || !config.data["aion.toml"]) problem(cw, "the config volume holds no aion.toml");
    else checkNodeConfig(`${config.kind}/${config.metadata.name}`, config.data["aion.toml"], ports);
    if (!(c.args || []).includes("--config=/etc/aion/aion.toml")) problem(cw, "aion-node is not given its config file");
    const mount = (c.volumeMounts || []).find((m) => m.mountPath === "/etc/aion");
    if (!mount || !configVolume || mount.name !== configVolume.name) problem(cw, "the config file is not mounted at /etc/aion");
    if (c.securityContext && c.securityContext.readOnlyRootFilesystem && !(c.volumeMounts || []).some((m) => m.mountPath === "/tmp")) {
      problem(cw, "a read-only root filesystem needs a writable /tmp (erlc)");
    }
  }
  // Every Service and the PodDisruptionBudget select these pods; target ports exist.
  const containerPorts = new Map(podSpec.containers.flatMap((c) => (c.ports || []).map((p) => [p.name, p.containerPort])));
  for (const s of services) {
    if (!selects(s.spec.selector, podLabels)) problem(describe(s), "selects no aion pod");
    const seen = new Set();
    for (const p of s.spec.ports) {
      if (seen.has(p.name)) problem(describe(s), `duplicate port name ${p.name}`);
      seen.add(p.name);
      if (typeof p.targetPort === "string" && !containerPorts.has(p.targetPort)) problem(describe(s), `targetPort ${p.targetPort} is not a container port`);
    }
  }
  for (const pdb of byKind("PodDisruptionBudget")) {
    if (!selects(pdb.spec.selector.matchLabels, podLabels)) problem(describe(pdb), "selects no aion pod");
  }
  for (const claim of spec.volumeClaimTemplates || []) {
    if (!claim.spec.resources || !claim.spec.resources.requests || !claim.spec.resources.requests.storage) problem(where, `claim ${claim.metadata.name} requests no storage`);
  }
}

// aion.toml as the chart writes it: [table] headers and key = value lines with TOML scalars.
function checkNodeConfig(where, text, ports) {
  const keys = new Map();
  let table = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    let m = line.match(/^\[([A-Za-z0-9_.-]+)\]$/);
    if (m) { table = m[1] + "."; continue; }
    m = line.match(/^([A-Za-z0-9_-]+|"[^"]*") = ("(?:[^"\\]|\\.)*"|-?[0-9]+|-?[0-9]+\.[0-9]+(?:e[-+]?[0-9]+)?|true|false|\[.*\])$/);
    if (!m) { problem(where, `aion.toml: not a TOML line: ${raw}`); continue; }
    const key = table + m[1];
    if (keys.has(key)) problem(where, `aion.toml: ${key} set twice`);
    keys.set(key, m[2]);
  }
  const expect = { listen: `"0.0.0.0:${ports.get("api")}"`, metrics_listen: `"0.0.0.0:${ports.get("metrics")}"` };
  for (const [key, value] of Object.entries(expect)) {
    if (keys.get(key) !== value) problem(where, `aion.toml: ${key} should be ${value}, is ${keys.get(key)}`);
  }
  if (!keys.has("data_dir")) problem(where, "aion.toml: no data_dir");
  for (const secret of ["store", "auth_token", "cluster_token"]) if (keys.has(secret)) problem(where, `aion.toml: ${secret} is a secret and must not be in a ConfigMap`);
}

for (const monitor of byKind("ServiceMonitor")) {
  const where = describe(monitor);
  const names = (monitor.spec.namespaceSelector && monitor.spec.namespaceSelector.matchNames) || [monitor.metadata.namespace];
  const matched = services.filter((s) => names.includes(s.metadata.namespace) && selects(monitor.spec.selector.matchLabels, s.metadata.labels));
  if (matched.length !== 1) problem(where, `selects ${matched.length} Services; it should select exactly the headless one`);
  for (const s of matched) {
    if (s.spec.clusterIP !== "None") problem(where, "scrapes through a load-balanced Service (nodes would be missed)");
    for (const e of monitor.spec.endpoints) {
      if (!s.spec.ports.some((p) => p.name === e.port)) problem(where, `endpoint port ${e.port} is not a port of ${describe(s)}`);
      if (e.path !== "/metrics") problem(where, "the endpoint must scrape /metrics");
    }
  }
}

for (const rule of byKind("PrometheusRule")) {
  const alerts = new Set();
  for (const group of rule.spec.groups || []) {
    for (const r of group.rules || []) {
      if (!r.alert) continue;
      if (alerts.has(r.alert)) problem(describe(rule), `alert ${r.alert} twice`);
      alerts.add(r.alert);
      if (typeof r.expr !== "string" || !r.expr.includes("aion_") && !r.expr.includes("up{")) problem(describe(rule), `alert ${r.alert} has no aion expression`);
    }
  }
  if (alerts.size === 0) problem(describe(rule), "no alerts");
}

for (const cm of byKind("ConfigMap")) {
  for (const [key, value] of Object.entries(cm.data || {})) {
    if (!key.endsWith(".json")) continue;
    try {
      const dashboard = JSON.parse(value);
      if (!dashboard.panels || !dashboard.uid) problem(describe(cm), `${key} is not a Grafana dashboard`);
    } catch (e) {
      problem(describe(cm), `${key} is not JSON: ${e.message}`);
    }
    const labels = cm.metadata.labels || {};
    if (!Object.values(labels).length || !Object.keys(labels).some((k) => k === "grafana_dashboard" || k.endsWith("dashboard"))) {
      problem(describe(cm), "a dashboard ConfigMap without the sidecar's label");
    }
  }
}

if (options.kinds) {
  const kinds = [...new Set(objects.map((o) => o.kind))].sort();
  if (JSON.stringify(kinds) !== JSON.stringify(options.kinds)) problem("chart", `renders ${kinds.join(",")}, expected ${options.kinds.join(",")}`);
}

for (const p of problems) console.log(p);
console.log(`${objects.length} objects, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
