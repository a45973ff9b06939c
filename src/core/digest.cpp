#include "core/digest.h"

#include <openssl/evp.h>

namespace ssoauth {

std::string sha256(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) return std::string();
    return std::string(reinterpret_cast<char*>(digest), length);
}

}  // namespace ssoauth
