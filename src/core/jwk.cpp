#include "core/jwk.h"

#include "core/base64url.h"
#include "core/json.h"

#include <cjose/header.h>
#include <cjose/jwk.h>
#include <cjose/jws.h>
#include <openssl/evp.h>

#include <optional>
#include <utility>

namespace ssoauth {

namespace {

constexpr size_t kMinRsaBits = 2048;
constexpr size_t kEd25519KeyBytes = 32;
constexpr size_t kEd25519SignatureBytes = 64;

struct CjoseJwkRelease {
    void operator()(cjose_jwk_t* jwk) const noexcept { cjose_jwk_release(jwk); }
};
struct CjoseJwsRelease {
    void operator()(cjose_jws_t* jws) const noexcept { cjose_jws_release(jws); }
};
struct EvpPkeyFree {
    void operator()(EVP_PKEY* pkey) const noexcept { EVP_PKEY_free(pkey); }
};
struct EvpMdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

// Bytes of r (and of s) in a JWS ECDSA signature for a curve.
size_t ec_coordinate_bytes(const std::string& crv) {
    if (crv == "P-256") return 32;
    if (crv == "P-384") return 48;
    if (crv == "P-521") return 66;
    return 0;
}

const char* ec_curve_name(cjose_jwk_ec_curve curve) {
    switch (curve) {
        case CJOSE_JWK_EC_P_256: return "P-256";
        case CJOSE_JWK_EC_P_384: return "P-384";
        case CJOSE_JWK_EC_P_521: return "P-521";
        default: return nullptr;
    }
}

// cjose 0.6.2 aborts (assert in its base64 decoder) on some malformed
// values, so only members already proven to be unpadded base64url reach it,
// and only the public ones: {kty, kid, n, e} or {kty, kid, crv, x, y}.
JsonPtr public_members_for_cjose(const json_t* entry, const std::string& kty, std::string* why) {
    static const char* const kRsa[] = {"n", "e"};
    static const char* const kEc[] = {"x", "y"};
    JsonPtr out(json_object());
    json_object_set_new(out.get(), "kty", json_string(kty.c_str()));
    if (json_t* kid = json_object_get(entry, "kid")) json_object_set(out.get(), "kid", kid);
    if (kty == "EC") {
        const std::string crv = json_string_member(entry, "crv");
        if (crv != "P-256" && crv != "P-384" && crv != "P-521") {
            *why = "unsupported EC curve \"" + crv + "\"";
            return nullptr;
        }
        json_object_set_new(out.get(), "crv", json_string(crv.c_str()));
    }
    for (const char* name : kty == "RSA" ? kRsa : kEc) {
        json_t* value = json_object_get(entry, name);
        if (!json_is_string(value) || json_string_length(value) == 0 ||
            !base64url_decode(std::string(json_string_value(value), json_string_length(value)))) {
            *why = std::string(name) + " is not a base64url string";
            return nullptr;
        }
        json_object_set(out.get(), name, value);
    }
    return out;
}

std::string describe(size_t index, const std::string& kid) {
    std::string out = "key #" + std::to_string(index);
    if (!kid.empty()) out += " (kid \"" + kid + "\")";
    return out + ": ";
}

// True when the optional "key_ops" member allows verification.
bool key_ops_allow_verify(const json_t* key_ops) {
    if (!key_ops) return true;
    if (!json_is_array(key_ops)) return false;
    size_t i;
    json_t* op;
    json_array_foreach(key_ops, i, op) {
        const char* s = json_string_value(op);
        if (s && std::string(s) == "verify") return true;
    }
    return false;
}

// Why an entry is not a signing key for us, or "" when its kid, alg, use and
// key_ops allow verification (the key material is checked afterwards).
std::string unusable_for_verification(const json_t* entry) {
    json_t* kid = json_object_get(entry, "kid");
    json_t* alg = json_object_get(entry, "alg");
    json_t* use = json_object_get(entry, "use");
    if ((kid && !json_is_string(kid)) || (alg && !json_is_string(alg)) || (use && !json_is_string(use)))
        return "kid, alg or use is not a string";
    if (use && std::string(json_string_value(use)) != "sig")
        return "use is \"" + std::string(json_string_value(use)) + "\"";
    if (!key_ops_allow_verify(json_object_get(entry, "key_ops"))) return "key_ops does not include \"verify\"";
    return std::string();
}

// The document's "keys" array, or null with the reason in *error.
JsonPtr parse_jwks_document(const std::string& json, std::string* error) {
    std::string parse_error;
    JsonPtr root = json_parse(json, &parse_error);
    if (!root) {
        if (error) *error = "JWKS is not valid JSON: " + parse_error;
        return nullptr;
    }
    if (!json_is_object(root.get())) {
        if (error) *error = "JWKS is not a JSON object";
        return nullptr;
    }
    if (!json_is_array(json_object_get(root.get(), "keys"))) {
        if (error) *error = "JWKS has no \"keys\" array";
        return nullptr;
    }
    return root;
}

}  // namespace

// The steps that build one key live here because this nested type, defined
// in this file, may set a JsonWebKey's private fields. Each step returns ""
// on success, else why the key is skipped.
struct JsonWebKey::Material {
    std::unique_ptr<cjose_jwk_t, CjoseJwkRelease> cjose;  // RSA and EC
    std::unique_ptr<EVP_PKEY, EvpPkeyFree> pkey;          // OKP Ed25519

    static std::unique_ptr<JsonWebKey> read_key(const json_t* entry, std::string* why);
    static std::string import_okp(const json_t* entry, JsonWebKey* key);
    static std::string import_rsa_or_ec(const json_t* entry, JsonWebKey* key);
};

// One entry of "keys": the usable key, or null with *why set.
std::unique_ptr<JsonWebKey> JsonWebKey::Material::read_key(const json_t* entry, std::string* why) {
    if (!json_is_object(entry)) {
        *why = "not a JSON object";
        return nullptr;
    }
    std::unique_ptr<JsonWebKey> key(new JsonWebKey);
    key->kid_ = json_string_member(entry, "kid");
    key->kty_ = json_string_member(entry, "kty");
    key->alg_ = json_string_member(entry, "alg");
    key->use_ = json_string_member(entry, "use");
    *why = unusable_for_verification(entry);
    if (!why->empty()) return nullptr;
    if (key->kty_ == "OKP") *why = import_okp(entry, key.get());
    else if (key->kty_ == "RSA" || key->kty_ == "EC") *why = import_rsa_or_ec(entry, key.get());
    // "oct" (HMAC) keys are never used to verify provider signatures.
    else *why = "unsupported kty \"" + key->kty_ + "\"";
    if (!why->empty()) return nullptr;
    return key;
}

// cjose 0.6 has no OKP support, so Ed25519 keys go to OpenSSL directly.
std::string JsonWebKey::Material::import_okp(const json_t* entry, JsonWebKey* key) {
    key->crv_ = json_string_member(entry, "crv");
    if (key->crv_ != "Ed25519") return "unsupported OKP curve \"" + key->crv_ + "\"";
    std::optional<std::string> x = base64url_decode(json_string_member(entry, "x"));
    if (!x || x->size() != kEd25519KeyBytes) return "Ed25519 x is not 32 base64url bytes";
    key->material_->pkey.reset(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size()));
    if (!key->material_->pkey) return "Ed25519 key rejected by OpenSSL";
    key->bits_ = 256;
    return std::string();
}

std::string JsonWebKey::Material::import_rsa_or_ec(const json_t* entry, JsonWebKey* key) {
    std::string why;
    JsonPtr members = public_members_for_cjose(entry, key->kty_, &why);
    if (!members) return why;
    cjose_err err;
    key->material_->cjose.reset(cjose_jwk_import_json(members.get(), &err));
    if (!key->material_->cjose)
        return std::string("cjose could not import it: ") + (err.message ? err.message : "unknown error");
    key->bits_ = cjose_jwk_get_keysize(key->material_->cjose.get(), &err);
    if (key->kty_ == "RSA") return key->bits_ < kMinRsaBits ? "RSA modulus below 2048 bits" : "";
    const char* crv = ec_curve_name(cjose_jwk_EC_get_curve(key->material_->cjose.get(), &err));
    if (!crv) return "unsupported EC curve";
    key->crv_ = crv;
    return std::string();
}

JsonWebKey::JsonWebKey() : material_(new Material) {}
JsonWebKey::~JsonWebKey() = default;

bool JsonWebKey::suits(const std::string& alg) const {
    if (!alg_.empty() && alg_ != alg) return false;
    if (alg == "EdDSA") return kty_ == "OKP" && crv_ == "Ed25519";
    if (alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256" || alg == "PS384" ||
        alg == "PS512")
        return kty_ == "RSA";
    if (alg == "ES256") return kty_ == "EC" && crv_ == "P-256";
    if (alg == "ES384") return kty_ == "EC" && crv_ == "P-384";
    if (alg == "ES512") return kty_ == "EC" && crv_ == "P-521";
    return false;
}

bool JsonWebKey::verify(const std::string& alg, const std::string& signing_input,
                        const std::string& signature) const {
    if (!suits(alg) || signature.empty()) return false;

    if (kty_ == "OKP") {
        if (!material_->pkey || signature.size() != kEd25519SignatureBytes) return false;
        std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree> ctx(EVP_MD_CTX_new());
        if (!ctx) return false;
        // Ed25519 is "pure" EdDSA: no separate digest (md NULL), one-shot verify.
        if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, material_->pkey.get()) != 1)
            return false;
        return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                                signature.size(),
                                reinterpret_cast<const unsigned char*>(signing_input.data()),
                                signing_input.size()) == 1;
    }

    if (!material_->cjose) return false;
    if (kty_ == "EC" && signature.size() != 2 * ec_coordinate_bytes(crv_)) return false;

    // cjose verifies a whole compact JWS and takes the alg from its header, so
    // make sure that header names the alg the caller checked.
    std::string compact = signing_input + "." + base64url_encode(signature);
    cjose_err err;
    std::unique_ptr<cjose_jws_t, CjoseJwsRelease> jws(
        cjose_jws_import(compact.data(), compact.size(), &err));
    if (!jws) return false;
    const char* header_alg =
        json_string_value(json_object_get(cjose_jws_get_protected(jws.get()), "alg"));
    if (!header_alg || alg != header_alg) return false;
    return cjose_jws_verify(jws.get(), material_->cjose.get(), &err);
}

std::shared_ptr<const JwkSet> JwkSet::parse(const std::string& json, std::string* error) {
    JsonPtr root = parse_jwks_document(json, error);
    if (!root) return nullptr;
    std::shared_ptr<JwkSet> set(new JwkSet);
    json_t* keys = json_object_get(root.get(), "keys");
    size_t index;
    json_t* entry;
    json_array_foreach(keys, index, entry) {
        std::string why;
        std::unique_ptr<JsonWebKey> key = JsonWebKey::Material::read_key(entry, &why);
        if (key) set->keys_.push_back(std::move(key));
        else set->skipped_.push_back(describe(index, json_string_member(entry, "kid")) + why);
    }
    return set;
}

const JsonWebKey* JwkSet::find(const std::string& kid) const {
    if (kid.empty()) return nullptr;
    for (const auto& key : keys_)
        if (key->kid_ == kid) return key.get();
    return nullptr;
}

}  // namespace ssoauth
