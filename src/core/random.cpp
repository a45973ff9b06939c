#include "core/random.h"

#include "core/base64url.h"

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

}  // namespace ssoauth
