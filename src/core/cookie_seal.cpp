#include "core/cookie_seal.h"

#include "core/base64url.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <atomic>
#include <cstring>

namespace ssoauth {

namespace {

constexpr unsigned char kVersion = 1;
constexpr size_t kIvBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kHeaderBytes = 1 + 4 + kIvBytes;
const char kHkdfSalt[] = "mod_ssoauth cookie seal v1";
const char kHkdfInfoKey[] = "aes-256-gcm key";
const char kHkdfInfoId[] = "key id";

bool hkdf_sha256(const std::string& ikm, const char* info, unsigned char* out, size_t out_len) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
    if (!ctx) return false;
    bool ok = EVP_PKEY_derive_init(ctx) > 0 && EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) > 0 &&
              EVP_PKEY_CTX_set1_hkdf_salt(ctx, reinterpret_cast<const unsigned char*>(kHkdfSalt),
                                          sizeof(kHkdfSalt) - 1) > 0 &&
              EVP_PKEY_CTX_set1_hkdf_key(ctx, reinterpret_cast<const unsigned char*>(ikm.data()),
                                         static_cast<int>(ikm.size())) > 0 &&
              EVP_PKEY_CTX_add1_hkdf_info(ctx, reinterpret_cast<const unsigned char*>(info),
                                          static_cast<int>(strlen(info))) > 0 &&
              EVP_PKEY_derive(ctx, out, &out_len) > 0;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

struct CipherCtx {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

std::string associated_data(const unsigned char* header, const std::string& cookie_name) {
    return std::string(reinterpret_cast<const char*>(header), 5) + cookie_name;
}

}  // namespace

CookieSealer::CookieSealer(std::vector<Key> keys) : keys_(std::move(keys)) {
    static std::atomic<uint64_t> next{1};
    id_ = next++;
}

std::shared_ptr<const CookieSealer> CookieSealer::create(const std::vector<std::string>& passphrases,
                                                         std::string* error) {
    if (passphrases.empty()) {
        if (error) *error = "at least one passphrase is required";
        return nullptr;
    }
    std::vector<Key> keys;
    for (size_t i = 0; i < passphrases.size(); ++i) {
        if (passphrases[i].size() < kMinPassphraseBytes) {
            if (error)
                *error = "passphrase " + std::to_string(i + 1) + " is " +
                         std::to_string(passphrases[i].size()) + " bytes; at least " +
                         std::to_string(kMinPassphraseBytes) + " are required";
            return nullptr;
        }
        Key key;
        if (!hkdf_sha256(passphrases[i], kHkdfInfoKey, key.secret.data(), key.secret.size()) ||
            !hkdf_sha256(passphrases[i], kHkdfInfoId, key.id.data(), key.id.size())) {
            if (error) *error = "HKDF key derivation failed";
            return nullptr;
        }
        keys.push_back(key);
    }
    return std::shared_ptr<const CookieSealer>(new CookieSealer(std::move(keys)));
}

std::string CookieSealer::seal(const std::string& plaintext, const std::string& cookie_name,
                               RandomSource& random) const {
    const Key& key = keys_.front();
    std::string out(kHeaderBytes + plaintext.size() + kTagBytes, '\0');
    auto* bytes = reinterpret_cast<unsigned char*>(&out[0]);
    bytes[0] = kVersion;
    std::copy(key.id.begin(), key.id.end(), bytes + 1);
    unsigned char* iv = bytes + 5;
    if (!random.bytes(iv, kIvBytes)) return std::string();

    const std::string aad = associated_data(bytes, cookie_name);
    CipherCtx c;
    int len = 0;
    unsigned char* ciphertext = bytes + kHeaderBytes;
    if (!c.ctx || EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, key.secret.data(), iv) != 1 ||
        EVP_EncryptUpdate(c.ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                          static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(c.ctx, ciphertext, &len,
                          reinterpret_cast<const unsigned char*>(plaintext.data()),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(c.ctx, ciphertext + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes,
                            ciphertext + plaintext.size()) != 1)
        return std::string();
    return base64url_encode(out);
}

std::optional<std::string> CookieSealer::open(const std::string& sealed,
                                              const std::string& cookie_name) const {
    auto raw = base64url_decode(sealed);
    if (!raw || raw->size() < kHeaderBytes + kTagBytes) return std::nullopt;
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
    if (bytes[0] != kVersion) return std::nullopt;

    const Key* key = nullptr;
    for (const Key& k : keys_)
        if (CRYPTO_memcmp(k.id.data(), bytes + 1, 4) == 0) {
            key = &k;
            break;
        }
    if (!key) return std::nullopt;

    const size_t text_len = raw->size() - kHeaderBytes - kTagBytes;
    const std::string aad = associated_data(bytes, cookie_name);
    std::string plaintext(text_len, '\0');
    unsigned char tag[kTagBytes];
    std::copy(bytes + kHeaderBytes + text_len, bytes + raw->size(), tag);
    CipherCtx c;
    int len = 0;
    auto* out = reinterpret_cast<unsigned char*>(&plaintext[0]);
    if (!c.ctx ||
        EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, key->secret.data(), bytes + 5) != 1 ||
        EVP_DecryptUpdate(c.ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                          static_cast<int>(aad.size())) != 1 ||
        EVP_DecryptUpdate(c.ctx, out, &len, bytes + kHeaderBytes, static_cast<int>(text_len)) != 1 ||
        EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) != 1 ||
        EVP_DecryptFinal_ex(c.ctx, out + len, &len) != 1)
        return std::nullopt;  // the tag did not verify: tampered, or another cookie's value
    return plaintext;
}

std::vector<std::string> split_cookie_chunks(const std::string& value, size_t chunk_bytes,
                                             size_t max_chunks) {
    std::vector<std::string> chunks;
    if (chunk_bytes == 0) return chunks;
    for (size_t pos = 0; pos < value.size(); pos += chunk_bytes) chunks.push_back(value.substr(pos, chunk_bytes));
    if (chunks.empty()) chunks.push_back(std::string());
    if (chunks.size() > max_chunks) chunks.clear();
    return chunks;
}

}  // namespace ssoauth
