// Claims to backends: looking a (possibly nested) claim up, turning it into a
// header or variable value that cannot inject anything, and the names used.
//
// Value rule: strings as they are; arrays joined with ','; other JSON values
// as JSON text. Control characters (0x00-0x1F, 0x7F, so CR and LF) are
// removed. Non-ASCII text is passed as its UTF-8 bytes; a byte sequence that
// is not valid UTF-8 is replaced by '?'.
#pragma once

#include <jansson.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssoauth {

// A verified identity's claims (a JSON object), shared without a copy: a
// bearer token's payload, owned, or a session's claims, aliasing the session
// so that it lives as long as they are used.
using SharedClaims = std::shared_ptr<const json_t>;

// The claim at `path` ("email", or "address.country" for nested objects), or null.
const json_t* find_claim(const json_t* claims, const std::string& path);

// The text of a claim value per the rule above (before sanitising).
std::string claim_value_text(const json_t* value);

// Removes control characters and invalid UTF-8 (see above).
std::string sanitize_header_value(const std::string& value);

// "X-SSO-Claim-<name>", with '_' and '.' in the name written as '-' and any
// other character outside [A-Za-z0-9-] dropped.
std::string claim_header_name(const std::string& claim);
// "SSO_CLAIM_<name>", with '.' and '-' written as '_'.
std::string claim_variable_name(const std::string& claim);

// True for any header a client might use to impersonate the module's output:
// a name starting with "X-SSO-" in any letter case, with '-' or '_'.
bool is_reserved_header(const std::string& name);
// A Connection header value without the reserved names among its
// comma-separated tokens (a proxy deletes the headers a client names there as
// hop-by-hop, the module's own included): the other tokens as they came,
// joined by ", ". std::nullopt when it names none; "" when it named only those.
std::optional<std::string> without_reserved_tokens(std::string_view connection);

constexpr const char* kAccessTokenHeader = "X-SSO-Access-Token";

// The default SSOAuthPassClaims list.
const std::vector<std::string>& default_pass_claims();

// Copies every member of `from` into the object `into` (replacing same-named
// ones), then drops the claims that only served validation (nonce, at_hash,
// c_hash): how id_token and userinfo claims become a session's claims.
void merge_claims(json_t* into, const json_t* from);

// What the module hands a backend for one identity under one configuration,
// computed once per opened session (the per-request path only attaches it).
struct ClaimExport {
    std::string header;    // X-SSO-Claim-<name>
    std::string variable;  // SSO_CLAIM_<name>
    std::string value;     // sanitised
};
struct IdentityExport {
    std::string remote_user;  // sanitised; "" when the user claim is absent
    std::vector<ClaimExport> claims;
};
IdentityExport make_identity_export(const json_t* claims, const std::string& user_claim,
                                    const std::vector<std::string>& pass_claims);

}  // namespace ssoauth
