// Fuzz target: a provider's discovery document.
//
// Invariants: a document that is accepted names exactly the configured
// issuer, has every required endpoint, and every endpoint it has is an
// absolute https URL (the issuer is https); a refused one says why.
#include "core/provider_metadata.h"
#include "core/url.h"
#include "fuzz_check.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace ssoauth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const std::string issuer = "https://idp.test/api/auth";
    ProviderMetadata m;
    std::string detail;
    const MetadataStatus status = parse_provider_metadata(input, issuer, &m, &detail);
    FUZZ_CHECK(metadata_status_name(status)[0]);
    if (status != MetadataStatus::Ok) {
        FUZZ_CHECK(!detail.empty());
        return 0;
    }
    FUZZ_CHECK(m.issuer == issuer);
    FUZZ_CHECK(!m.authorization_endpoint.empty() && !m.token_endpoint.empty() && !m.jwks_uri.empty());
    const HttpUrlRules https{/*allow_query=*/true, /*require_https=*/true};
    for (const std::string* url : {&m.authorization_endpoint, &m.token_endpoint, &m.jwks_uri, &m.userinfo_endpoint,
                                   &m.end_session_endpoint, &m.revocation_endpoint, &m.introspection_endpoint})
        FUZZ_CHECK(url->empty() || is_http_url(*url, https));
    return 0;
}
