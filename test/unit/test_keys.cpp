#include "test_keys.h"

#include "core/base64url.h"
#include "core/json.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <ostream>
#include <stdexcept>

namespace ssoauth {

std::ostream& operator<<(std::ostream& os, TokenStatus status) { return os << token_status_name(status); }

namespace test {

namespace {

void require(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test_keys: ") + what + " failed");
}

struct BnFree {
    void operator()(BIGNUM* b) const noexcept { BN_free(b); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct EcdsaSigFree {
    void operator()(ECDSA_SIG* s) const noexcept { ECDSA_SIG_free(s); }
};
struct BioFree {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};

std::string bn_param(EVP_PKEY* pkey, const char* name, int pad_to) {
    BIGNUM* raw = nullptr;
    require(EVP_PKEY_get_bn_param(pkey, name, &raw) == 1, name);
    std::unique_ptr<BIGNUM, BnFree> bn(raw);
    const int size = pad_to > 0 ? pad_to : BN_num_bytes(bn.get());
    std::string out(static_cast<size_t>(size), '\0');
    require(BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(&out[0]), size) == size,
            "BN_bn2binpad");
    return out;
}

int ec_coordinate_bytes(const std::string& curve) {
    if (curve == "P-256") return 32;
    if (curve == "P-384") return 48;
    if (curve == "P-521") return 66;
    throw std::runtime_error("test_keys: unknown curve " + curve);
}

const char* ec_group_name(const std::string& curve) {
    if (curve == "P-256") return "P-256";
    if (curve == "P-384") return "P-384";
    if (curve == "P-521") return "P-521";
    throw std::runtime_error("test_keys: unknown curve " + curve);
}

const EVP_MD* digest_for(const std::string& alg) {
    const std::string bits = alg.size() == 5 ? alg.substr(2) : "";
    if (bits == "256") return EVP_sha256();
    if (bits == "384") return EVP_sha384();
    if (bits == "512") return EVP_sha512();
    throw std::runtime_error("test_keys: no digest for alg " + alg);
}

std::string set_json(json_t* object, const char* key, const std::string& value) {
    json_object_set_new(object, key, json_stringn(value.data(), value.size()));
    return value;
}

}  // namespace

TestKey TestKey::ed25519(const std::string& kid) {
    TestKey key;
    key.kid_ = kid;
    key.pkey_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), PkeyFree());
    require(key.pkey_ != nullptr, "Ed25519 keygen");
    return key;
}

TestKey TestKey::rsa(const std::string& kid, int bits) {
    TestKey key;
    key.kid_ = kid;
    key.pkey_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)), PkeyFree());
    require(key.pkey_ != nullptr, "RSA keygen");
    return key;
}

TestKey TestKey::ec(const std::string& kid, const std::string& curve) {
    TestKey key;
    key.kid_ = kid;
    key.curve_ = curve;
    key.pkey_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", ec_group_name(curve)), PkeyFree());
    require(key.pkey_ != nullptr, "EC keygen");
    return key;
}

const TestKey& TestKey::shared_ed25519() {
    static const TestKey key = ed25519("ed-1");
    return key;
}
const TestKey& TestKey::shared_rsa() {
    static const TestKey key = rsa("rsa-1");
    return key;
}
const TestKey& TestKey::shared_ec256() {
    static const TestKey key = ec("ec-1", "P-256");
    return key;
}
const TestKey& TestKey::shared_ec384() {
    static const TestKey key = ec("ec384-1", "P-384");
    return key;
}
const TestKey& TestKey::shared_ec521() {
    static const TestKey key = ec("ec521-1", "P-521");
    return key;
}

TestKey TestKey::with_kid(const std::string& kid) const {
    TestKey copy = *this;
    copy.kid_ = kid;
    return copy;
}

std::string TestKey::public_jwk(const std::string& alg, const std::string& use) const {
    JsonPtr jwk(json_object());
    EVP_PKEY* p = pkey_.get();
    if (EVP_PKEY_is_a(p, "ED25519")) {
        unsigned char raw[32];
        size_t length = sizeof raw;
        require(EVP_PKEY_get_raw_public_key(p, raw, &length) == 1, "raw public key");
        set_json(jwk.get(), "kty", "OKP");
        set_json(jwk.get(), "crv", "Ed25519");
        set_json(jwk.get(), "x", base64url_encode(raw, length));
    } else if (EVP_PKEY_is_a(p, "RSA")) {
        set_json(jwk.get(), "kty", "RSA");
        set_json(jwk.get(), "n", base64url_encode(bn_param(p, OSSL_PKEY_PARAM_RSA_N, 0)));
        set_json(jwk.get(), "e", base64url_encode(bn_param(p, OSSL_PKEY_PARAM_RSA_E, 0)));
    } else if (EVP_PKEY_is_a(p, "EC")) {
        const int size = ec_coordinate_bytes(curve_);
        set_json(jwk.get(), "kty", "EC");
        set_json(jwk.get(), "crv", curve_);
        set_json(jwk.get(), "x", base64url_encode(bn_param(p, OSSL_PKEY_PARAM_EC_PUB_X, size)));
        set_json(jwk.get(), "y", base64url_encode(bn_param(p, OSSL_PKEY_PARAM_EC_PUB_Y, size)));
    } else {
        throw std::runtime_error("test_keys: unknown key type");
    }
    if (!kid_.empty()) set_json(jwk.get(), "kid", kid_);
    if (!alg.empty()) set_json(jwk.get(), "alg", alg);
    if (!use.empty()) set_json(jwk.get(), "use", use);
    return json_dump(jwk.get());
}

std::string TestKey::public_pem() const {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    require(bio && PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) == 1, "PEM_write_bio_PUBKEY");
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(length));
}

std::string TestKey::sign(const std::string& alg, const std::string& data) const {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    require(ctx != nullptr, "EVP_MD_CTX_new");
    EVP_PKEY_CTX* pctx = nullptr;
    const EVP_MD* md = alg == "EdDSA" ? nullptr : digest_for(alg);
    require(EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, pkey_.get()) == 1, "EVP_DigestSignInit");
    if (alg.compare(0, 2, "PS") == 0) {
        require(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1, "PSS padding");
        require(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1, "PSS salt");
    }
    const auto* tbs = reinterpret_cast<const unsigned char*>(data.data());
    size_t length = 0;
    require(EVP_DigestSign(ctx.get(), nullptr, &length, tbs, data.size()) == 1, "EVP_DigestSign size");
    std::string sig(length, '\0');
    require(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(&sig[0]), &length, tbs,
                           data.size()) == 1,
            "EVP_DigestSign");
    sig.resize(length);
    if (alg.compare(0, 2, "ES") != 0) return sig;

    // OpenSSL produces DER; JWS wants r||s, each padded to the coordinate size.
    const auto* der = reinterpret_cast<const unsigned char*>(sig.data());
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> ecdsa(d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(sig.size())));
    require(ecdsa != nullptr, "d2i_ECDSA_SIG");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(ecdsa.get(), &r, &s);
    const int size = ec_coordinate_bytes(curve_);
    std::string out(static_cast<size_t>(2 * size), '\0');
    auto* o = reinterpret_cast<unsigned char*>(&out[0]);
    require(BN_bn2binpad(r, o, size) == size && BN_bn2binpad(s, o + size, size) == size, "r||s");
    return out;
}

std::string TestKey::jwt(const std::string& alg, const std::string& payload_json,
                         const std::string& header_json) const {
    std::string header = header_json;
    if (header.empty()) {
        JsonPtr h(json_object());
        set_json(h.get(), "alg", alg);
        if (!kid_.empty()) set_json(h.get(), "kid", kid_);
        set_json(h.get(), "typ", "JWT");
        header = json_dump(h.get());
    }
    const std::string input = base64url_encode(header) + "." + base64url_encode(payload_json);
    return input + "." + base64url_encode(sign(alg, input));
}

std::string jwks(const std::vector<std::string>& jwk_jsons) {
    std::string out = "{\"keys\":[";
    for (size_t i = 0; i < jwk_jsons.size(); ++i) out += (i ? "," : "") + jwk_jsons[i];
    return out + "]}";
}

std::string compact_jwt(const std::string& header_json, const std::string& payload_json,
                        const std::string& signature) {
    return base64url_encode(header_json) + "." + base64url_encode(payload_json) + "." +
           base64url_encode(signature);
}

std::string unsigned_jwt(const std::string& payload_json, const std::string& alg_value,
                         const std::string& kid) {
    JsonPtr h(json_object());
    set_json(h.get(), "alg", alg_value);
    if (!kid.empty()) set_json(h.get(), "kid", kid);
    return compact_jwt(json_dump(h.get()), payload_json, "");
}

std::string hmac_jwt(const std::string& alg, const std::string& secret,
                     const std::string& header_json, const std::string& payload_json) {
    const std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    require(HMAC(digest_for(alg), secret.data(), static_cast<int>(secret.size()),
                 reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length) != nullptr,
            "HMAC");
    return input + "." + base64url_encode(mac, length);
}

std::string reference_at_hash(const std::string& digest_name, const std::string& token) {
    const EVP_MD* md = EVP_get_digestbyname(digest_name.c_str());
    require(md != nullptr, "EVP_get_digestbyname");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    require(EVP_Digest(token.data(), token.size(), digest, &length, md, nullptr) == 1, "EVP_Digest");
    return base64url_encode(digest, length / 2);
}

std::string flip_signature_byte(const std::string& compact) {
    const size_t dot = compact.rfind('.');
    auto sig = base64url_decode(compact.substr(dot + 1));
    require(sig && !sig->empty(), "decode signature");
    (*sig)[sig->size() / 2] ^= 0x01;
    return compact.substr(0, dot + 1) + base64url_encode(*sig);
}

}  // namespace test
}  // namespace ssoauth
