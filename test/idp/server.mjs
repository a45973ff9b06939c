// Test identity provider for mod_ssoauth: the real Better Auth server with its
// OAuth 2.1 / OIDC provider plugin, fixed clients and one seeded user.
//
//   IDP_PORT=9000 node test/idp/server.mjs
//
// Environment (see README.md in this folder for the full contract):
//   IDP_PORT              required; listens on 127.0.0.1 only
//   IDP_DATA_DIR          directory for idp.sqlite (default: a fresh temp dir, removed on exit)
//   IDP_SIGNING_ALG       EdDSA (default) or RS256
//   IDP_ACCESS_TOKEN_TTL  access token lifetime in seconds (default 3600)
//   IDP_JWKS_MAX_AGE      if set: the JWKS answer carries Cache-Control: max-age=<seconds>
//   IDP_CONFIG            optional JSON file: clients, resources, user
//   IDP_REDIRECT_URIS     comma-separated redirect URIs of the default clients
//   IDP_POST_LOGOUT_URIS  comma-separated post-logout URIs of the default clients
//   IDP_SECRET            Better Auth secret (default: TEST_FIXTURE_SECRET below)
//   IDP_PUBLIC_ORIGIN     the origin clients use, when a front (a TLS proxy) stands before it

import { createHash } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

import { oauthProvider } from "@better-auth/oauth-provider";
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { createJwk, jwt } from "better-auth/plugins";

// A test fixture, never a production secret.
const TEST_FIXTURE_SECRET = "ssoauth-test-idp-fixture-secret-not-for-production-0123456789";
const DEFAULT_CONFIDENTIAL_SECRET = "confidential-test-secret-0123456789abcdef";
const ALL_SCOPES = ["openid", "profile", "email", "offline_access"];
const BASE_PATH = "/api/auth";
const TOKEN_PATH = `${BASE_PATH}/oauth2/token`;
const JWKS_PATH = `${BASE_PATH}/jwks`;

function fail(message) {
  process.stderr.write(`idp: ${message}\n`);
  process.exit(2);
}

function csv(value, fallback) {
  const items = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return items.length ? items : fallback;
}

// ---------------------------------------------------------------- configuration

const port = Number(process.env.IDP_PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail("IDP_PORT must be a TCP port number");
// Behind a front (for example a TLS-terminating proxy for https tests), the
// issuer and every URL the provider publishes name the front's origin.
const origin = process.env.IDP_PUBLIC_ORIGIN || `http://127.0.0.1:${port}`;
if (!/^https?:\/\/[^/?#]+$/.test(origin)) fail("IDP_PUBLIC_ORIGIN must be an origin such as https://127.0.0.1:9443");
const issuer = `${origin}${BASE_PATH}`;

const signingAlg = process.env.IDP_SIGNING_ALG || "EdDSA";
const keyPairConfigs = {
  EdDSA: { alg: "EdDSA", crv: "Ed25519" },
  RS256: { alg: "RS256", modulusLength: 2048 },
};
if (!keyPairConfigs[signingAlg]) fail(`IDP_SIGNING_ALG must be EdDSA or RS256, not ${signingAlg}`);

let accessTokenTtl;
if (process.env.IDP_ACCESS_TOKEN_TTL) {
  accessTokenTtl = Number(process.env.IDP_ACCESS_TOKEN_TTL);
  if (!Number.isInteger(accessTokenTtl) || accessTokenTtl <= 0) fail("IDP_ACCESS_TOKEN_TTL must be a positive number of seconds");
}

let jwksMaxAge;
if (process.env.IDP_JWKS_MAX_AGE) {
  jwksMaxAge = Number(process.env.IDP_JWKS_MAX_AGE);
  if (!Number.isInteger(jwksMaxAge) || jwksMaxAge < 0) fail("IDP_JWKS_MAX_AGE must be a number of seconds");
}

let fileConfig = {};
if (process.env.IDP_CONFIG) {
  try {
    fileConfig = JSON.parse(readFileSync(process.env.IDP_CONFIG, "utf8"));
  } catch (error) {
    fail(`cannot read IDP_CONFIG ${process.env.IDP_CONFIG}: ${error.message}`);
  }
}

const redirectUris = csv(process.env.IDP_REDIRECT_URIS, ["http://127.0.0.1:8080/api/auth/callback"]);
const postLogoutUris = csv(process.env.IDP_POST_LOGOUT_URIS, ["http://127.0.0.1:8080/logged-out"]);

// Two confidential defaults because the plugin binds each client to exactly one
// token_endpoint_auth_method: a client registered for client_secret_basic is refused
// when it sends client_secret_post, and the other way round.
const clients = (fileConfig.clients ?? [
  { client_id: "ssoauth-public", client_secret: null, name: "mod_ssoauth public test client" },
  { client_id: "ssoauth-confidential", client_secret: DEFAULT_CONFIDENTIAL_SECRET, name: "mod_ssoauth confidential test client (client_secret_basic)" },
  { client_id: "ssoauth-confidential-post", client_secret: DEFAULT_CONFIDENTIAL_SECRET, token_endpoint_auth_method: "client_secret_post", name: "mod_ssoauth confidential test client (client_secret_post)" },
]).map((c) => {
  if (!c.client_id) fail("every client in IDP_CONFIG needs a client_id");
  const secret = c.client_secret ?? null;
  return {
    clientId: c.client_id,
    secret,
    name: c.name ?? c.client_id,
    redirectUris: c.redirect_uris ?? redirectUris,
    postLogoutRedirectUris: c.post_logout_redirect_uris ?? postLogoutUris,
    backchannelLogoutUri: c.backchannel_logout_uri ?? null,
    tokenEndpointAuthMethod: c.token_endpoint_auth_method ?? (secret ? "client_secret_basic" : "none"),
    requirePKCE: c.require_pkce ?? null, // null: the plugin's default (PKCE required)
  };
});

const resources = fileConfig.resources ?? [`${origin}/api/resource`];
const seedUser = {
  email: "demo@example.test",
  password: "demo-password-1234",
  name: "Demo User",
  ...(fileConfig.user ?? {}),
};

const trustedOrigins = [...new Set([
  origin,
  ...clients.flatMap((c) => [...c.redirectUris, ...c.postLogoutRedirectUris]).map((u) => new URL(u).origin),
])];

let dataDir = process.env.IDP_DATA_DIR;
const ownsDataDir = !dataDir;
if (ownsDataDir) dataDir = mkdtempSync(path.join(os.tmpdir(), "ssoauth-idp-"));
else mkdirSync(dataDir, { recursive: true });
const db = new Database(path.join(dataDir, "idp.sqlite"));

let server; // set once the schema and the seed data are in place
function shutdown(signal) {
  process.stderr.write(`idp: ${signal}, shutting down\n`);
  server?.close();
  server?.closeAllConnections();
  db.close();
  if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

// ---------------------------------------------------------------- Better Auth

// Extra claims a test gives every user (POST /__test/claims): merged into the
// userinfo answer and into id_tokens, so tests can drive the session's size
// and claim shapes (nested objects, arrays, numbers).
let extraClaims = { userinfo: {}, id_token: {} };

const unlimited = { token: false, authorize: false, introspect: false, revoke: false, register: false, userinfo: false };

const jwtOptions = {
  jwks: { keyPairConfig: keyPairConfigs[signingAlg] },
  jwt: { issuer },
  disableSettingJwtHeader: true,
};

const authOptions = {
  appName: "mod_ssoauth test IdP",
  baseURL: origin,
  basePath: BASE_PATH,
  secret: process.env.IDP_SECRET || TEST_FIXTURE_SECRET,
  database: db,
  trustedOrigins,
  emailAndPassword: { enabled: true },
  // The OAuth provider serves /oauth2/token; the jwt plugin's /token would only confuse.
  disabledPaths: ["/token"],
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  logger: {
    level: "warn",
    log: (level, message, ...args) => console.error(`idp: [${level}] ${message}`, ...args),
  },
  plugins: [
    jwt(jwtOptions),
    oauthProvider({
      loginPage: `${origin}/login`,
      consentPage: `${origin}/consent`,
      scopes: ALL_SCOPES,
      resources,
      enforcePerClientResources: false,
      ...(accessTokenTtl ? { accessTokenExpiresIn: accessTokenTtl } : {}),
      rateLimit: unlimited,
      customUserInfoClaims: () => extraClaims.userinfo,
      customIdTokenClaims: () => extraClaims.id_token,
    }),
  ],
};

const { runMigrations } = await getMigrations(authOptions);
await runMigrations();
const auth = betterAuth(authOptions);
const ctx = await auth.$context;

// The plugin stores a client secret as base64url(SHA-256(secret)) without padding
// (storeClientSecret "hashed", its default while the jwt plugin is on).
function hashClientSecret(secret) {
  return createHash("sha256").update(secret, "utf8").digest("base64url");
}

async function upsertClient(c) {
  const now = new Date();
  const data = {
    clientId: c.clientId,
    clientSecret: c.secret ? hashClientSecret(c.secret) : null,
    disabled: false,
    skipConsent: true,
    enableEndSession: true,
    scopes: ALL_SCOPES,
    name: c.name,
    redirectUris: c.redirectUris,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    backchannelLogoutUri: c.backchannelLogoutUri,
    tokenEndpointAuthMethod: c.tokenEndpointAuthMethod,
    grantTypes: ["authorization_code", "refresh_token"],
    responseTypes: ["code"],
    requirePKCE: c.requirePKCE,
    applicationType: "web",
    updatedAt: now,
  };
  const where = [{ field: "clientId", value: c.clientId }];
  const existing = await ctx.adapter.findOne({ model: "oauthClient", where });
  if (existing) await ctx.adapter.update({ model: "oauthClient", where, update: data });
  else await ctx.adapter.create({ model: "oauthClient", data: { ...data, createdAt: now } });
}

async function upsertUser(u) {
  const found = await ctx.internalAdapter.findUserByEmail(u.email.toLowerCase(), { includeAccounts: true });
  if (!found) {
    const { user } = await auth.api.signUpEmail({ body: { email: u.email, password: u.password, name: u.name } });
    await ctx.internalAdapter.updateUser(user.id, { emailVerified: true });
    return;
  }
  await ctx.internalAdapter.updateUser(found.user.id, { name: u.name, emailVerified: true });
  await ctx.internalAdapter.updatePassword(found.user.id, await ctx.password.hash(u.password));
}

for (const c of clients) await upsertClient(c);
await upsertUser(seedUser);

// ---------------------------------------------------------------- test instrumentation

const stats = { token_requests: {}, backchannel_logout_sent: 0, jwks_requests: 0, requests: {} };
function resetStats() {
  stats.token_requests = { authorization_code: 0, refresh_token: 0 };
  stats.backchannel_logout_sent = 0;
  stats.jwks_requests = 0;
  stats.requests = {};
}
resetStats();

// The plugin posts back-channel logout tokens with the global fetch.
const originalFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  if (init?.method === "POST" && init.body instanceof URLSearchParams && init.body.has("logout_token")) {
    stats.backchannel_logout_sent += 1;
    secrets.add(init.body.get("logout_token"));
  }
  return originalFetch(input, init);
};

// ---------------------------------------------------------------- pages

const PAGE_STYLE = `body{font-family:sans-serif;max-width:24rem;margin:3rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}#error{color:#b00020}`;

const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - mod_ssoauth test IdP</title><style>${PAGE_STYLE}</style></head>
<body>
<h1>Sign in</h1>
<form id="login">
  <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
  <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
  <button id="submit" type="submit">Sign in</button>
</form>
<p id="error" role="alert"></p>
<script>
document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("error");
  error.textContent = "";
  try {
    const response = await fetch("${BASE_PATH}/sign-in/email", {
      method: "POST",
      credentials: "include",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({
        email: document.getElementById("email").value,
        password: document.getElementById("password").value,
        oauth_query: location.search.replace(/^\\?/, ""),
      }),
    });
    const data = await response.json().catch(() => ({}));
    if (response.ok && data.url) { location.href = data.url; return; }
    error.textContent = data.message || data.error_description || data.error || ("Sign-in failed (HTTP " + response.status + ")");
  } catch (e) {
    error.textContent = "Sign-in failed: " + e.message;
  }
});
</script>
</body></html>
`;

// Only reached if a client is not marked skip_consent.
const CONSENT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Consent - mod_ssoauth test IdP</title><style>${PAGE_STYLE}</style></head>
<body>
<h1>Allow access?</h1>
<p id="scopes"></p>
<button id="accept">Allow</button><button id="deny">Deny</button>
<p id="error" role="alert"></p>
<script>
const q = new URLSearchParams(location.search);
document.getElementById("scopes").textContent = (q.get("client_id") || "") + " asks for: " + (q.get("scope") || "");
async function answer(accept) {
  const response = await fetch("${BASE_PATH}/oauth2/consent", {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json", "Accept": "application/json" },
    body: JSON.stringify({ accept, oauth_query: location.search.replace(/^\\?/, "") }),
  });
  const data = await response.json().catch(() => ({}));
  if (data.url) { location.href = data.url; return; }
  document.getElementById("error").textContent = data.message || data.error_description || ("HTTP " + response.status);
}
document.getElementById("accept").onclick = () => answer(true);
document.getElementById("deny").onclick = () => answer(false);
</script>
</body></html>
`;

// ---------------------------------------------------------------- HTTP

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res, status, contentType, body) {
  res.writeHead(status, { "Content-Type": contentType, "Cache-Control": "no-store" });
  res.end(body);
}

// Every secret that crossed the token endpoint (codes, PKCE verifiers, client
// secrets, issued and presented tokens) and every logout token posted, so tests
// can prove a relying party never writes one to its logs: GET /__test/secrets.
const secrets = new Set();
const SECRET_PARAMS = ["code", "code_verifier", "refresh_token", "client_secret"];
const SECRET_FIELDS = ["access_token", "refresh_token", "id_token"];

function countTokenRequest(req, body) {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (!type.startsWith("application/x-www-form-urlencoded")) return;
  const form = new URLSearchParams(body.toString("utf8"));
  const grantType = form.get("grant_type");
  if (grantType) stats.token_requests[grantType] = (stats.token_requests[grantType] ?? 0) + 1;
  for (const name of SECRET_PARAMS) if (form.get(name)) secrets.add(form.get(name));
}

function recordIssuedTokens(buffer) {
  try {
    const answer = JSON.parse(buffer.toString("utf8"));
    for (const name of SECRET_FIELDS) if (typeof answer[name] === "string") secrets.add(answer[name]);
  } catch {
    // not JSON: nothing issued
  }
}

// Hands the request to Better Auth's fetch-style handler. The body is buffered
// first so the token endpoint's form can be counted without consuming it.
async function forwardToAuth(req, res, url, body) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const response = await auth.handler(new Request(url, {
    method: req.method,
    headers,
    body: hasBody && body.length ? body : undefined,
  }));
  const outHeaders = {};
  for (const [name, value] of response.headers) if (name !== "set-cookie") outHeaders[name] = value;
  const cookies = response.headers.getSetCookie();
  if (cookies.length) outHeaders["set-cookie"] = cookies;
  if (url.pathname === JWKS_PATH && jwksMaxAge !== undefined) outHeaders["cache-control"] = `max-age=${jwksMaxAge}`;
  res.writeHead(response.status, outHeaders);
  const answer = Buffer.from(await response.arrayBuffer());
  if (req.method === "POST" && url.pathname === TOKEN_PATH && response.ok) recordIssuedTokens(answer);
  res.end(req.method === "HEAD" ? undefined : answer);
}

function setExtraClaims(res, body) {
  let wanted;
  try {
    wanted = JSON.parse(body.toString("utf8") || "{}");
  } catch (error) {
    return send(res, 400, "application/json", JSON.stringify({ error: `not JSON: ${error.message}` }));
  }
  const isObject = (v) => v === undefined || (v !== null && typeof v === "object" && !Array.isArray(v));
  if (!isObject(wanted) || !isObject(wanted.userinfo) || !isObject(wanted.id_token))
    return send(res, 400, "application/json", JSON.stringify({ error: "expected {userinfo: {...}, id_token: {...}}" }));
  extraClaims = { userinfo: wanted.userinfo ?? {}, id_token: wanted.id_token ?? {} };
  return send(res, 200, "application/json", JSON.stringify(extraClaims));
}

async function route(req, res) {
  const url = new URL(req.url, origin);
  const body = await readBody(req);
  const where = `${req.method} ${url.pathname}`;

  if (where === "GET /login") return send(res, 200, "text/html; charset=utf-8", LOGIN_PAGE);
  if (where === "GET /consent") return send(res, 200, "text/html; charset=utf-8", CONSENT_PAGE);
  if (where === "GET /__test/stats") return send(res, 200, "application/json", JSON.stringify(stats));
  if (where === "GET /__test/secrets") return send(res, 200, "application/json", JSON.stringify([...secrets]));
  if (where === "POST /__test/reset") {
    resetStats();
    return send(res, 200, "application/json", JSON.stringify(stats));
  }
  if (where === "POST /__test/claims") return setExtraClaims(res, body);
  if (where === "POST /__test/rotate-key") {
    const key = await createJwk({ context: ctx }, jwtOptions);
    return send(res, 200, "application/json", JSON.stringify({ kid: key.id }));
  }
  if (url.pathname === BASE_PATH || url.pathname.startsWith(`${BASE_PATH}/`)) {
    stats.requests[where] = (stats.requests[where] ?? 0) + 1;
    if (req.method === "POST" && url.pathname === TOKEN_PATH) countTokenRequest(req, body);
    if (req.method === "GET" && url.pathname === JWKS_PATH) stats.jwks_requests += 1;
    return forwardToAuth(req, res, url, body);
  }
  return send(res, 404, "text/plain", "not found\n");
}

server = http.createServer((req, res) => {
  res.on("finish", () => {
    process.stderr.write(`idp: ${req.method} ${new URL(req.url, origin).pathname} ${res.statusCode}\n`);
  });
  route(req, res).catch((error) => {
    process.stderr.write(`idp: error on ${req.method} ${req.url?.split("?")[0]}: ${error.stack ?? error}\n`);
    if (!res.headersSent) send(res, 500, "text/plain", "internal error\n");
    else res.destroy();
  });
});

server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`IDP READY ${issuer}\n`);
});
