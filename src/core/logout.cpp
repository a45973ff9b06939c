#include "core/logout.h"

#include "core/jwt_validator.h"
#include "core/url.h"

#include <cstdlib>

namespace ssoauth {

std::string end_session_url(const ProviderMetadata& metadata, const std::string& id_token_hint,
                            const std::string& post_logout_redirect_uri, const std::string& client_id,
                            const std::string& state) {
    if (metadata.end_session_endpoint.empty()) return std::string();
    std::vector<std::pair<std::string, std::string>> params;
    if (!id_token_hint.empty()) params.emplace_back("id_token_hint", id_token_hint);
    if (!post_logout_redirect_uri.empty()) params.emplace_back("post_logout_redirect_uri", post_logout_redirect_uri);
    if (!client_id.empty()) params.emplace_back("client_id", client_id);
    if (!state.empty()) params.emplace_back("state", state);
    return append_query(metadata.end_session_endpoint, form_encode(params));
}

TokenStatus verify_logout_token(const ClientConfig& client, Provider& provider, const std::string& token,
                                int64_t now, LogoutEvent* event, std::string* detail) {
    Jwt jwt;
    TokenStatus status = parse_jwt(token, &jwt);
    if (status != TokenStatus::Ok) return status;
    std::string error;
    auto metadata = provider.metadata(now, &error);
    if (!metadata) {
        if (detail) *detail = error;
        return TokenStatus::KeysUnavailable;
    }
    LogoutTokenChecks checks;
    checks.claims.issuer = client.issuer;
    checks.claims.now = now;
    checks.claims.skew = client.clock_skew;
    checks.client_id = client.credentials.client_id;
    checks.allowed_algs = allowed_signing_algs(*metadata);
    status = provider.with_keys(
        metadata->jwks_uri, jwt.kid, now, [&](const JwkSet& keys) { return validate_logout_token(jwt, keys, checks); },
        &error);
    if (status == TokenStatus::KeysUnavailable && detail) *detail = error;
    if (status != TokenStatus::Ok) return status;
    event->sid = json_string_member(jwt.payload.get(), "sid");
    event->sub = json_string_member(jwt.payload.get(), "sub");
    event->jti = json_string_member(jwt.payload.get(), "jti");
    event->iat = static_cast<int64_t>(json_number_value(json_object_get(jwt.payload.get(), "iat")));
    event->exp = static_cast<int64_t>(json_number_value(json_object_get(jwt.payload.get(), "exp")));
    return TokenStatus::Ok;
}

std::string RevocationList::key(const char* kind, const std::string& value) const {
    std::string key(kind);
    key.append(issuer_).append(" ").append(value);
    return key;
}

bool RevocationList::record(const LogoutEvent& event, int64_t now, int64_t keep_seconds) {
    if (!event.sid.empty()) return store_.put(key("sid:", event.sid), "1", now + keep_seconds, now);
    return store_.put(key("sub:", event.sub), std::to_string(event.iat ? event.iat : now), now + keep_seconds, now);
}

RevocationList::JtiUse RevocationList::use_jti(const LogoutEvent& event, int64_t now, int64_t skew) {
    const int64_t until = (event.exp > now ? event.exp : now) + skew + 1;
    const std::string jti = key("jti:", event.jti);
    if (store_.add(jti, "1", until, now)) return JtiUse::First;
    // add() refuses both a key it holds and one it has no room for: only a
    // value actually found is a replay.
    return store_.lookup(jti, now).status == LookupStatus::Found ? JtiUse::Seen : JtiUse::NotRecorded;
}

RevocationList::Check RevocationList::check(const Session& session, int64_t now) {
    // On every authenticated request: skip building keys while nothing was ever revoked.
    static const std::string sid_prefix = "sid:", sub_prefix = "sub:";
    if (!session.sid.empty() && store_.may_hold(sid_prefix, now)) {
        const StoreLookup ended = store_.lookup(key("sid:", session.sid), now);
        if (ended.status == LookupStatus::Unavailable) return Check::Unknown;
        if (ended.status == LookupStatus::Found) return Check::Revoked;
    }
    if (!store_.may_hold(sub_prefix, now)) return Check::NotRevoked;
    const StoreLookup since = store_.lookup(key("sub:", session.subject), now);
    if (since.status == LookupStatus::Unavailable) return Check::Unknown;
    if (since.status == LookupStatus::Absent) return Check::NotRevoked;
    return session.created_at <= std::strtoll(since.value.c_str(), nullptr, 10) ? Check::Revoked : Check::NotRevoked;
}

}  // namespace ssoauth
