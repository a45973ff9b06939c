// Randomness, SHA-256 and PKCE (RFC 7636). Randomness comes from OpenSSL's DRBG,
// behind an interface so tests can make it deterministic.
#pragma once

#include <memory>
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

// A code verifier of 43 characters carrying 256 random bits (RFC 7636 4.1).
std::string make_code_verifier(RandomSource& random);

// True when `verifier` is 43..128 characters of [A-Za-z0-9-._~].
bool is_valid_code_verifier(const std::string& verifier);

// The 32-byte SHA-256 digest of `data` (OpenSSL), for every hash the module keys on.
std::string sha256(const std::string& data);

// BASE64URL(SHA256(ASCII(verifier))), the S256 method (RFC 7636 4.2).
std::string s256_challenge(const std::string& verifier);

}  // namespace ssoauth
