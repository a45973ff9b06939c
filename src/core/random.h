// Randomness: OpenSSL's DRBG behind an interface, so tests can make it
// deterministic or make it fail.
#pragma once

#include <cstddef>
#include <string>

namespace ssoauth {

class RandomSource {
public:
    virtual ~RandomSource() = default;
    // Fills `length` bytes; returns false if the generator failed.
    virtual bool bytes(unsigned char* out, size_t length) = 0;
};

// The process-wide OpenSSL RAND_bytes source (thread-safe).
RandomSource& openssl_random();

// `byte_count` random bytes as unpadded base64url ("" if the generator failed).
std::string random_token(RandomSource& random, size_t byte_count);

}  // namespace ssoauth
