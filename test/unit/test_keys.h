// Test helpers: keys generated inside the tests with OpenSSL, exported as
// public JWK JSON, and JWTs signed with them for any alg, including the
// malicious ones (alg none, HS256 keyed with the public key's bytes).
// Failures throw std::runtime_error, which Boost.Test reports.
#pragma once

#include "core/token_status.h"

#include <openssl/evp.h>

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace ssoauth {

// Lets Boost.Test print statuses by their code, e.g. [jwt_expired != ok].
std::ostream& operator<<(std::ostream& os, TokenStatus status);
namespace test {

class TestKey {
public:
    // Fresh keys. curve is "P-256", "P-384" or "P-521".
    static TestKey ed25519(const std::string& kid);
    static TestKey rsa(const std::string& kid, int bits = 2048);
    static TestKey ec(const std::string& kid, const std::string& curve = "P-256");

    // Keys generated once per test run (RSA generation is slow): kids
    // "ed-1", "rsa-1", "ec-1" (P-256), "ec384-1", "ec521-1".
    static const TestKey& shared_ed25519();
    static const TestKey& shared_rsa();
    static const TestKey& shared_ec256();
    static const TestKey& shared_ec384();
    static const TestKey& shared_ec521();

    // The same key material under another kid ("" for none).
    TestKey with_kid(const std::string& kid) const;

    const std::string& kid() const { return kid_; }
    EVP_PKEY* pkey() const { return pkey_.get(); }

    // Public JWK as a JSON object text; alg/use members only when non-empty.
    std::string public_jwk(const std::string& alg = "", const std::string& use = "") const;
    // SubjectPublicKeyInfo PEM text.
    std::string public_pem() const;

    // Raw JWS signature bytes of `data` for `alg` (r||s for ES*).
    std::string sign(const std::string& alg, const std::string& data) const;

    // A compact JWT signed with this key. header_json "" means
    // {"alg":alg,"kid":kid(),"typ":"JWT"} (kid left out when empty); otherwise
    // header_json is used verbatim and `alg` only picks the signing algorithm.
    std::string jwt(const std::string& alg, const std::string& payload_json,
                    const std::string& header_json = "") const;

private:
    struct PkeyFree {
        void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
    };
    std::string kid_;
    std::string curve_;  // "P-256"... for EC keys
    std::shared_ptr<EVP_PKEY> pkey_;
};

// {"keys":[...]} from JWK object texts.
std::string jwks(const std::vector<std::string>& jwk_jsons);

// b64(header).b64(payload).b64(signature).
std::string compact_jwt(const std::string& header_json, const std::string& payload_json,
                        const std::string& signature);

// An unsigned token: header {"alg":<alg_value>} (plus kid when given), empty signature.
std::string unsigned_jwt(const std::string& payload_json, const std::string& alg_value = "none",
                         const std::string& kid = "");

// An HS256/384/512 token whose HMAC key is `secret` (e.g. a public key's PEM or JWK text).
std::string hmac_jwt(const std::string& alg, const std::string& secret,
                     const std::string& header_json, const std::string& payload_json);

// base64url(left half of digest(token)), computed independently of the code
// under test; digest_name is an OpenSSL name such as "SHA256" or "SHA512".
std::string reference_at_hash(const std::string& digest_name, const std::string& token);

// The same text with one byte of the decoded signature flipped.
std::string flip_signature_byte(const std::string& compact);

}  // namespace test
}  // namespace ssoauth
