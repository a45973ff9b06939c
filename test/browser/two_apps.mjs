#!/usr/bin/env node
// Single sign-on and single sign-out across two applications, in a real
// browser: Debian's headless Chromium driven by playwright-core.
//
//   1. App 1 -> the provider's login page -> password -> back on App 1, which shows the user.
//   2. App 2 -> signed in with no password.
//   3. Sign out in App 2 -> App 1 is signed out -> opening App 1 asks for the password again.
//
// One browser context is used throughout, so cookies are shared like in a real
// browser. A screenshot is saved after each step (and on failure) in the
// output directory. A JSON summary of the steps is printed to stdout; the exit
// status is 0 only if every step passed. Progress and diagnostics go to stderr.
//
// Usage:
//   node two_apps.mjs --app1 http://127.0.0.1:P1/demo/ --app2 http://127.0.0.1:P2/demo/ \
//        --idp http://127.0.0.1:PI --out DIR [--email E] [--password P]
// Each option can also come from the environment: APP1_URL, APP2_URL, IDP_ORIGIN,
// SCREENSHOT_DIR, SSO_EMAIL, SSO_PASSWORD; CHROMIUM (default /usr/bin/chromium),
// STEP_TIMEOUT_MS (default 20000).

import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const USAGE = "usage: node two_apps.mjs --app1 URL --app2 URL --idp ORIGIN --out DIR [--email E] [--password P]";

function parseArgs(argv) {
  const opts = {
    app1: process.env.APP1_URL,
    app2: process.env.APP2_URL,
    idp: process.env.IDP_ORIGIN,
    out: process.env.SCREENSHOT_DIR,
    email: process.env.SSO_EMAIL || "demo@example.test",
    password: process.env.SSO_PASSWORD || "demo-password-1234",
    chromium: process.env.CHROMIUM || "/usr/bin/chromium",
    timeout: Number(process.env.STEP_TIMEOUT_MS || 20000),
  };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}\n${USAGE}`);
    const key = m[1];
    const value = m[2] !== undefined ? m[2] : argv[++i];
    if (!(key in opts) || value === undefined) throw new Error(`bad option --${key}\n${USAGE}`);
    opts[key] = key === "timeout" ? Number(value) : value;
  }
  for (const k of ["app1", "app2", "idp", "out"])
    if (!opts[k]) throw new Error(`missing --${k}\n${USAGE}`);
  opts.idp = new URL(opts.idp).origin;
  return opts;
}

// Chromium flags for this machine: headless, as root (no sandbox), and no
// background connections to Google's hosts (the network is closed).
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function log(...args) {
  console.error("[two_apps]", ...args);
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

function sameOrigin(url, origin) {
  try {
    return new URL(url).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}

function pathOf(url) {
  try {
    return new URL(url).pathname;
  } catch {
    return "";
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  fs.mkdirSync(opts.out, { recursive: true });
  const T = opts.timeout;
  const app1 = new URL(opts.app1);
  const app2 = new URL(opts.app2);
  const steps = [];
  let browser;
  let page;
  let failed = false;

  // The main-frame navigations of the current step, so it can tell where the browser went.
  const navigations = [];

  // Runs one step: fn() does the work and returns details; a screenshot is
  // taken afterwards (also on failure). After a failure the rest are skipped.
  async function step(name, title, fn) {
    const entry = { name, title, ok: false, url: null, screenshot: null, ms: 0 };
    steps.push(entry);
    if (failed) {
      entry.skipped = true;
      entry.error = "skipped after an earlier failure";
      return;
    }
    const started = Date.now();
    navigations.length = 0;
    log(`step ${name}: ${title}`);
    try {
      const details = await Promise.race([
        fn(),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`step timed out after ${T} ms`)), T + 5000)),
      ]);
      entry.ok = true;
      if (details) entry.details = details;
    } catch (e) {
      failed = true;
      entry.error = String((e && e.message) || e).replace(/\u001b\[[0-9;]*m/g, "").split("\n").slice(0, 6).join("\n");
      entry.navigations = navigations.slice();
      log(`step ${name} FAILED: ${entry.error}`);
    }
    entry.ms = Date.now() - started;
    if (page) {
      entry.url = page.url();
      const file = path.join(opts.out, `${name}${entry.ok ? "" : "-FAILED"}.png`);
      try {
        await page.screenshot({ path: file, fullPage: true, timeout: 10000 });
        entry.screenshot = path.resolve(file);
      } catch (e) {
        entry.screenshotError = String(e.message || e).split("\n")[0];
      }
    }
    log(`step ${name}: ${entry.ok ? "ok" : "FAILED"} (${entry.ms} ms) at ${entry.url}`);
  }

  // The IdP's login page: on the provider's origin, at /login, with a password field.
  async function expectLoginPage() {
    await page.waitForURL((u) => sameOrigin(u.href, opts.idp) && u.pathname === "/login", { timeout: T });
    await page.locator("#password").waitFor({ state: "visible", timeout: T });
    await page.locator("#email").waitFor({ state: "visible", timeout: T });
    return { loginPage: page.url().split("?")[0] };
  }

  // An application's demo page, signed in: #app names it, #remote-user shows
  // the user, and client.js reports the session.
  async function expectSignedIn(appUrl, appName) {
    await page.waitForURL((u) => sameOrigin(u.href, appUrl.href) && u.pathname === appUrl.pathname, { timeout: T });
    const appText = (await page.locator("#app").textContent({ timeout: T })) || "";
    check(appText.trim() === appName, `#app says ${JSON.stringify(appText.trim())}, expected ${JSON.stringify(appName)}`);
    const user = page.locator("#remote-user");
    check((await user.count()) === 1, `no #remote-user on ${page.url()}: status is ${JSON.stringify(
      await page.locator("#status").textContent().catch(() => null))}`);
    const remoteUser = ((await user.textContent()) || "").trim();
    check(remoteUser.length > 0, "#remote-user is empty");
    const expected = `Signed in as ${opts.email}`;
    try {
      await page.waitForFunction(
        (want) => {
          const el = document.getElementById("client-status");
          return !!el && el.textContent.startsWith(want);
        },
        expected,
        { timeout: T },
      );
    } catch (e) {
      const now = await page.locator("#client-status").textContent().catch(() => null);
      throw new Error(`client.js status is ${JSON.stringify(now)}, expected it to start with ${JSON.stringify(expected)}`);
    }
    const clientStatus = ((await page.locator("#client-status").textContent()) || "").trim();
    const status = ((await page.locator("#status").textContent()) || "").trim();
    return { app: appText.trim(), remoteUser, status, clientStatus };
  }

  try {
    browser = await chromium.launch({
      executablePath: opts.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30000,
    });
    log(`Chromium ${browser.version()} from ${opts.chromium}`);
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    context.setDefaultTimeout(T);
    context.setDefaultNavigationTimeout(T);
    page = await context.newPage();
    // Every main-frame navigation request, redirects included.
    page.on("request", (req) => {
      if (req.isNavigationRequest() && req.frame() === page.mainFrame()) navigations.push(req.url());
    });
    page.on("console", (msg) => {
      if (msg.type() === "error") log(`console error on ${page.url()}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => log(`page error on ${page.url()}: ${err.message}`));
    page.on("response", (res) => {
      if (res.status() >= 400) log(`HTTP ${res.status()} for ${res.request().method()} ${res.url().split("?")[0]}`);
    });

    // ---- 1. App 1 -> the provider's login page -> password -> back on App 1.
    await step("01-app1-login-page", "open App 1: the provider's login page asks for the password", async () => {
      await page.goto(app1.href, { timeout: T });
      const d = await expectLoginPage();
      return { ...d, via: navigations.map((u) => u.split("?")[0]) };
    });

    await step("02-app1-signed-in", "sign in with the password: back on App 1, which shows the user", async () => {
      await page.locator("#email").fill(opts.email);
      await page.locator("#password").fill(opts.password);
      await page.locator("#submit").click();
      try {
        await page.waitForURL((u) => sameOrigin(u.href, app1.href), { timeout: T });
      } catch (e) {
        const err = await page.locator("#error").textContent().catch(() => null);
        throw new Error(`not sent back to App 1 (at ${page.url()}; login error ${JSON.stringify(err)})`);
      }
      const d = await expectSignedIn(app1, "App 1");
      const callbacks = navigations.filter((u) => sameOrigin(u, app1.href) && pathOf(u).endsWith("/callback"));
      check(callbacks.length > 0, "App 1's callback was not on the way back from the provider");
      return { ...d, via: navigations.map((u) => u.split("?")[0]) };
    });

    // ---- 2. App 2 -> signed in with no password.
    await step("03-app2-signed-in-without-password", "open App 2: signed in without a password (single sign-on)", async () => {
      await page.goto(app2.href, { timeout: T });
      const d = await expectSignedIn(app2, "App 2");
      const login = navigations.filter((u) => sameOrigin(u, opts.idp) && pathOf(u) === "/login");
      check(login.length === 0, `the provider's login page was shown on the way to App 2: ${login[0]}`);
      const viaIdp = navigations.some((u) => sameOrigin(u, opts.idp));
      check(viaIdp, "App 2 did not go through the provider (did it reuse App 1's cookies?)");
      return { ...d, via: navigations.map((u) => u.split("?")[0]) };
    });

    // ---- 3. Sign out in App 2 -> App 1 is signed out -> App 1 asks for the password again.
    await step("04-app2-signed-out", "sign out in App 2 (client.js): App 2's signed-out page", async () => {
      await page.locator("#client-signout").click();
      await page.waitForURL((u) => sameOrigin(u.href, app2.href) && u.pathname === "/logged-out", { timeout: T });
      const heading = ((await page.locator("h1").first().textContent({ timeout: T })) || "").trim();
      check(/signed out/i.test(heading), `the signed-out page says ${JSON.stringify(heading)}`);
      const endSession = navigations.some((u) => sameOrigin(u, opts.idp) && /end-?session/.test(pathOf(u)));
      check(endSession, "the browser was not sent to the provider's end-session endpoint");
      return { heading, via: navigations.map((u) => u.split("?")[0]) };
    });

    await step("05-app1-asks-password-again", "open App 1: signed out there too, the password is asked again", async () => {
      // App 1's own view of the session (same cookies as the page): the
      // provider's back-channel logout must have ended it. Polled briefly,
      // since the provider posts the logout token on its own schedule.
      const sessionUrl = new URL("/api/auth/session", app1).href;
      const started = Date.now();
      let body = null;
      for (;;) {
        const r = await page.context().request.get(sessionUrl, { timeout: T });
        body = (await r.text()).trim();
        let session = null;
        try {
          session = JSON.parse(body);
        } catch {
          session = body;
        }
        if (!(session && typeof session === "object" && session.user)) break;
        if (Date.now() - started > 5000)
          throw new Error(`App 1 still has a session 5 s after the sign-out in App 2: ${body.slice(0, 200)}`);
        await new Promise((res) => setTimeout(res, 200));
      }
      const app1SessionEndedAfterMs = Date.now() - started;
      await page.goto(app1.href, { timeout: T });
      let d;
      try {
        d = await expectLoginPage();
      } catch (e) {
        const status = await page.locator("#status").textContent().catch(() => null);
        throw new Error(`App 1 did not ask for the password: at ${page.url()}, status ${JSON.stringify(status)}`);
      }
      return { ...d, app1Session: body.slice(0, 200), app1SessionEndedAfterMs,
               via: navigations.map((u) => u.split("?")[0]) };
    });
  } catch (e) {
    failed = true;
    steps.push({ name: "setup", ok: false, url: page ? page.url() : null, screenshot: null,
                 error: String((e && e.message) || e) });
    log(`FAILED: ${e && e.stack ? e.stack : e}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
  }

  const ok = !failed && steps.length > 0 && steps.every((s) => s.ok);
  process.stdout.write(JSON.stringify({ ok, steps }, null, 2) + "\n");
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(String((e && e.message) || e));
    process.stdout.write(JSON.stringify({ ok: false, steps: [], error: String((e && e.message) || e) }) + "\n");
    process.exit(2);
  },
);
