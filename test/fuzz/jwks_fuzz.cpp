// libFuzzer target: a JWKS document through JwkSet::parse, then every key
// asked whether it suits each alg and made to verify a fixed signature.
//
// Build and run (clang):
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc
//     test/fuzz/jwks_fuzz.cpp src/core/{json,base64url,token_status,jwk,jwt,jwt_validator}.cpp
//     -ljansson -lcjose -lcrypto -o /tmp/jwks_fuzz
//   /tmp/jwks_fuzz -max_total_time=60 /tmp/jwks_corpus test/fuzz/corpus/jwks
#include "core/jwk.h"
#include "core/jwt.h"
#include "fuzz_check.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace ssoauth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::string error;
    auto set = JwkSet::parse(input, &error);
    if (!set) {
        FUZZ_CHECK(!error.empty());  // a refusal says why
        return 0;
    }
    // eyJhbGciOiJFUzI1NiJ9 is {"alg":"ES256"}; the signature is 64 bytes of junk.
    const std::string signing_input = "eyJhbGciOiJFUzI1NiJ9.e30";
    const std::string signature(64, '\x5a');
    for (const auto& key : set->keys()) {
        FUZZ_CHECK(key->kid().empty() || set->find(key->kid()) != nullptr);
        for (const std::string& alg : supported_signing_algs()) {
            // Junk never verifies; keys that do not suit an alg never verify with it.
            FUZZ_CHECK(!key->verify(alg, signing_input, signature));
            (void)key->suits(alg);
        }
        FUZZ_CHECK(!key->suits("HS256") && !key->suits("none"));
    }
    return 0;
}
