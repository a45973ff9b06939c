#include "core/client_js.h"

#include "core/json.h"
#include "core/digest.h"

#include <cstdio>
#include <map>
#include <mutex>

namespace ssoauth {

namespace {
const char kScript[] = R"JS(/* mod_ssoauth client.js: the session API of this site's single sign-on. */
(function (w) {
  "use strict";
  var base = __SSOAUTH_BASE__;
  var listeners = [];
  var last;
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function emit(session) {
    if (last !== undefined && same(last, session)) return;
    last = session;
    listeners.slice().forEach(function (fn) { try { fn(session); } catch (e) { setTimeout(function () { throw e; }); } });
    if (typeof w.CustomEvent === "function") w.dispatchEvent(new w.CustomEvent("ssoauth:session", { detail: session }));
  }
  function call(path, method) {
    return w.fetch(base + path, {
      method: method || "GET",
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; });
    });
  }
  function here() { return w.location.pathname + w.location.search + w.location.hash; }
  var api = {
    getSession: function () {
      return call("/session").then(function (r) {
        var session = r.body && r.body.user ? r.body : null;
        emit(session);
        return session;
      });
    },
    signIn: function (options) {
      var target = (options && (options.callbackUrl || options.returnTo)) || here();
      w.location.assign(base + "/login?returnTo=" + encodeURIComponent(target));
    },
    signOut: function (options) {
      return call("/signout", "POST").then(function (r) {
        if (!r.ok) throw new Error((r.body && r.body.error) || ("sign-out failed: " + r.status));
        emit(null);
        if (!options || options.redirect !== false)
          w.location.assign(r.body.redirectUrl || (options && options.callbackUrl) || "/");
        return r.body;
      });
    },
    refresh: function () {
      return call("/refresh", "POST").then(function (r) {
        if (!r.ok) { emit(null); throw new Error((r.body && r.body.error) || ("refresh failed: " + r.status)); }
        return api.getSession().then(function () { return r.body; });
      });
    },
    onSessionChange: function (fn) {
      listeners.push(fn);
      return function () { listeners = listeners.filter(function (f) { return f !== fn; }); };
    }
  };
  w.SSOAuth = api;
})(window);
)JS";
}  // namespace

std::string client_js(const std::string& endpoint_base) {
    std::string script = kScript;
    const std::string placeholder = "__SSOAUTH_BASE__";
    // The base as a JSON string literal: safe inside the script whatever it contains.
    JsonPtr literal(json_string(endpoint_base.c_str()));
    std::string quoted = json_dump(literal.get());
    for (size_t at; (at = quoted.find("</")) != std::string::npos;) quoted.replace(at, 2, "<\\/");
    script.replace(script.find(placeholder), placeholder.size(), quoted);
    return script;
}

std::string client_js_etag(const std::string& script) {
    const std::string digest = sha256(script);
    std::string etag = "\"";
    char hex[3];
    for (size_t i = 0; i < 12 && i < digest.size(); ++i) {
        std::snprintf(hex, sizeof(hex), "%02x", static_cast<unsigned char>(digest[i]));
        etag += hex;
    }
    return etag + "\"";
}

std::shared_ptr<const ClientScript> client_script(const std::string& endpoint_base) {
    // One per configured base; never destroyed, like provider_for's map.
    static auto* mutex = new std::mutex;
    static auto* built = new std::map<std::string, std::shared_ptr<const ClientScript>>;
    std::lock_guard<std::mutex> lock(*mutex);
    auto& slot = (*built)[endpoint_base];
    if (!slot) {
        std::string body = client_js(endpoint_base);
        std::string etag = client_js_etag(body);
        slot = std::make_shared<const ClientScript>(ClientScript{std::move(body), std::move(etag)});
    }
    return slot;
}

}  // namespace ssoauth
