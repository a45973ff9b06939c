#include "core/random.h"
#include "httpd/flow.h"
#include "httpd/request.h"
#include "httpd/respond.h"
#include "httpd/shm_store.h"

namespace ssoauth {
namespace httpd {

namespace {

// What a refresh needs, built only when the gate decides to refresh.
class LocationRefresh : public RefreshSource {
public:
    LocationRefresh(request_rec* r, const DirConfig* c) : r_(r), c_(c) {}
    ClientConfig client() override { return client_config(r_, c_); }
    Provider& provider() override {
        if (!provider_) provider_ = provider_of(r_, c_);
        return *provider_;
    }

private:
    request_rec* r_;
    const DirConfig* c_;
    std::shared_ptr<Provider> provider_;
};

}  // namespace

ClientConfig client_config(request_rec* r, const DirConfig* c) {
    ClientConfig client;
    client.issuer = c->provider;
    client.credentials.client_id = c->client_id;
    if (c->client_secret) client.credentials.client_secret = c->client_secret;
    client.credentials.auth = token_auth(c);
    if (c->scope) client.scope = c->scope;
    client.redirect_uri = redirect_uri(r, c);
    client.clock_skew = clock_skew(server_config(r->server));
    client.session_max_age = session_max_age(c);
    return client;
}

std::shared_ptr<Provider> provider_of(request_rec* r, const DirConfig* c) {
    return provider_for(c->provider, http_options(server_config(r->server)));
}

int begin_sign_in(request_rec* r, const DirConfig* c, const std::string& return_to) {
    const ClientConfig client = client_config(r, c);
    const CookieMap cookies = request_cookies(r);
    const CookieSettings settings = cookie_settings(r, c);
    const LoginRequest request{client, return_to, cookies, **c->sealer, settings, openssl_random(), request_now(r)};
    return respond_login_start(r, c, start_login(request, *provider_of(r, c)), return_to);
}

SessionResult current_session(request_rec* r, const DirConfig* c, bool force_refresh) {
    const CookieSettings settings = cookie_settings(r, c);
    SessionPolicy policy;
    policy.inactivity_timeout = inactivity_timeout(c);
    policy.refresh_before = refresh_before(c);
    LocationRefresh refresh(r, c);
    const auto store = shared_store();
    const SessionGate gate{settings, **c->sealer, c->provider, c->client_id, policy, *store, refresh};
    std::string joined;
    SessionResult result = gate.check(cookie_header(r, &joined), request_now(r), force_refresh);
    apply_session_result(r, result);
    return result;
}

}  // namespace httpd
}  // namespace ssoauth
