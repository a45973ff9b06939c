// <base>/client.js: a small dependency-free browser API over the module's
// endpoints, the same shape as the client API the SSO's front ends use:
//   SSOAuth.getSession()          -> Promise<{user, expires} | null>
//   SSOAuth.signIn({callbackUrl}) -> navigates to <base>/login
//   SSOAuth.signOut({redirect, callbackUrl}) -> POST <base>/signout, then the provider's logout
//   SSOAuth.refresh()             -> POST <base>/refresh
//   SSOAuth.onSessionChange(fn)   -> unsubscribe function; also a "ssoauth:session" window event
// The browser never sees a token or handles PKCE: signing in is a navigation.
#pragma once

#include <memory>
#include <string>

namespace ssoauth {

// The script for an endpoint base such as "/api/auth".
std::string client_js(const std::string& endpoint_base);
// A strong ETag for that script ("\"<hex>\"").
std::string client_js_etag(const std::string& script);

// The script and its ETag for a base, built once and kept for the process
// (the endpoint answers from this; nothing is rebuilt or hashed per request).
struct ClientScript {
    std::string body;
    std::string etag;
};
std::shared_ptr<const ClientScript> client_script(const std::string& endpoint_base);

}  // namespace ssoauth
