#include "core/signout.h"

#include "core/session_cache.h"
#include "core/session_cookies.h"

namespace ssoauth {

namespace {

ProviderRevocation revoke_refresh_token(const ClientConfig& client, Provider& provider,
                                        const ProviderMetadata* metadata, const Session& session) {
    if (!metadata || session.refresh_token.empty() || metadata->revocation_endpoint.empty())
        return ProviderRevocation::NotAttempted;
    return provider.tokens().revoke(metadata->revocation_endpoint, client.credentials, session.refresh_token,
                                    "refresh_token")
               ? ProviderRevocation::Confirmed
               : ProviderRevocation::NotConfirmed;
}

}  // namespace

SignoutResult sign_out(const SignoutRequest& request, const ClientConfig& client, Provider& provider,
                       RevocationList& revocations, const CookieSettings& cookies, const CookieSealer& sealer,
                       RandomSource& random) {
    SignoutResult result;
    const CookieMap map = parse_cookie_header(std::string(request.cookie_header));
    Session session;
    result.had_session = open_session(map, cookies, sealer, client.issuer, client.credentials.client_id,
                                      request.now, &session) == SessionStatus::Ok;
    result.set_cookies = clear_session_cookies(map, cookies);

    std::string error;
    auto metadata = provider.metadata(request.now, &error);
    if (result.had_session) {
        // This session is over on this host at once, whatever the provider does next.
        LogoutEvent ended;
        ended.sid = session.sid;
        ended.sub = session.subject;
        ended.iat = request.now;
        result.subject = session.subject;
        result.revocation_recorded = revocations.record(ended, request.now, request.keep_revocation);
        if (request.revoke_refresh_token)
            result.provider_revocation = revoke_refresh_token(client, provider, metadata.get(), session);
    }
    if (metadata)
        result.redirect_url = end_session_url(*metadata, result.had_session ? session.id_token : "",
                                              request.post_logout_redirect, client.credentials.client_id,
                                              random_token(random, 16));
    if (result.redirect_url.empty()) result.redirect_url = request.post_logout_redirect;
    return result;
}

BackchannelResult receive_backchannel_logout(const std::string& form_body, bool body_too_large,
                                             const ClientConfig& client, Provider& provider,
                                             RevocationList& revocations, int64_t now, int64_t keep_revocation) {
    BackchannelResult result;
    std::string token;
    if (body_too_large || !single_param(parse_query(form_body), "logout_token", &token) || token.empty()) {
        result.verdict = BackchannelVerdict::NoToken;
        return result;
    }
    result.status = verify_logout_token(client, provider, token, now, &result.event, &result.detail);
    if (result.status != TokenStatus::Ok) {
        result.verdict = BackchannelVerdict::Invalid;
        return result;
    }
    switch (revocations.use_jti(result.event, now, client.clock_skew)) {
        case RevocationList::JtiUse::First: break;
        case RevocationList::JtiUse::Seen: result.verdict = BackchannelVerdict::Replayed; return result;
        case RevocationList::JtiUse::NotRecorded: result.verdict = BackchannelVerdict::StoreFull; return result;
    }
    result.verdict = revocations.record(result.event, now, keep_revocation) ? BackchannelVerdict::Ended
                                                                             : BackchannelVerdict::StoreFull;
    return result;
}

}  // namespace ssoauth
