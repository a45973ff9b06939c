// A parsed JSON Web Key Set (RFC 7517) holding the provider's public signing
// keys. RSA and EC keys are imported by cjose; OKP Ed25519 keys (which cjose
// 0.6 lacks) become OpenSSL EVP_PKEYs. A set is immutable once parsed, so one
// instance can be shared between threads (std::shared_ptr<const JwkSet>).
//
// Not done here: fetching, caching, x5c/x5t certificate checks, private keys.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace ssoauth {

class JwkSet;

// One public signing key. Only JwkSet creates them.
class JsonWebKey {
public:
    ~JsonWebKey();
    JsonWebKey(const JsonWebKey&) = delete;
    JsonWebKey& operator=(const JsonWebKey&) = delete;

    const std::string& kid() const { return kid_; }  // "" when the key has none
    const std::string& kty() const { return kty_; }  // "RSA", "EC" or "OKP"
    const std::string& crv() const { return crv_; }  // "P-256", "P-384", "P-521", "Ed25519"; "" for RSA
    const std::string& alg() const { return alg_; }  // the key's own "alg" member, "" when absent
    const std::string& use() const { return use_; }  // "sig" or "" (keys for other uses are skipped)
    size_t bits() const { return bits_; }            // modulus or curve size

    // True when this key can make signatures of `alg`: kty/crv fit the
    // algorithm, and the key's own "alg" (when present) is exactly `alg`.
    bool suits(const std::string& alg) const;

    // Verifies a JWS signature (raw bytes; r||s for ECDSA) over `signing_input`
    // ("b64header.b64payload"). False when the key does not suit `alg`, or the
    // header inside `signing_input` names another alg, or the signature is wrong.
    bool verify(const std::string& alg, const std::string& signing_input,
                const std::string& signature) const;

private:
    friend class JwkSet;
    struct Material;
    JsonWebKey();

    std::string kid_, kty_, crv_, alg_, use_;
    size_t bits_ = 0;
    std::unique_ptr<Material> material_;
};

class JwkSet {
public:
    // Parses a JWKS document. Returns null (reason in *error when given) only
    // when the text is not a JSON object with a "keys" array. Individual keys
    // that are malformed, unsupported (oct/HMAC, Ed448, X25519, unknown curves,
    // RSA below 2048 bits) or not for signing ("use" other than "sig", or
    // "key_ops" without "verify") are skipped and listed in skipped().
    static std::shared_ptr<const JwkSet> parse(const std::string& json, std::string* error);

    // The first usable key whose kid is `kid`, or null (always null for "").
    const JsonWebKey* find(const std::string& kid) const;

    // Every usable key, in document order.
    const std::vector<std::unique_ptr<JsonWebKey>>& keys() const { return keys_; }
    size_t size() const { return keys_.size(); }

    // One line per skipped key, e.g. "key #2 (kid \"k1\"): use is \"enc\"", for logs.
    const std::vector<std::string>& skipped() const { return skipped_; }

private:
    JwkSet() = default;
    std::vector<std::unique_ptr<JsonWebKey>> keys_;
    std::vector<std::string> skipped_;
};

}  // namespace ssoauth
