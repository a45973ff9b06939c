#include "core/pkce.h"

#include "core/base64url.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <vector>

namespace ssoauth {

namespace {
class OpenSslRandom final : public RandomSource {
public:
    bool bytes(unsigned char* out, size_t length) override {
        return length <= INT_MAX && RAND_bytes(out, static_cast<int>(length)) == 1;
    }
};
}  // namespace

RandomSource& openssl_random() {
    static OpenSslRandom source;
    return source;
}

std::string random_token(RandomSource& random, size_t byte_count) {
    std::vector<unsigned char> buffer(byte_count);
    if (!random.bytes(buffer.data(), buffer.size())) return std::string();
    return base64url_encode(buffer.data(), buffer.size());
}

std::string make_code_verifier(RandomSource& random) { return random_token(random, 32); }

bool is_valid_code_verifier(const std::string& verifier) {
    if (verifier.size() < 43 || verifier.size() > 128) return false;
    for (char c : verifier) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~';
        if (!ok) return false;
    }
    return true;
}

std::string sha256(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) return std::string();
    return std::string(reinterpret_cast<char*>(digest), length);
}

std::string s256_challenge(const std::string& verifier) {
    const std::string digest = sha256(verifier);
    return digest.empty() ? std::string() : base64url_encode(digest);
}

}  // namespace ssoauth
