// libFuzzer target: a compact JWT through parse_jwt, verify_jwt_signature,
// validate_claims, validate_id_token and validate_logout_token.
//
// Build and run (clang):
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc
//     test/fuzz/jwt_fuzz.cpp src/core/{json,base64url,token_status,jwk,jwt,jwt_validator}.cpp
//     -ljansson -lcjose -lcrypto -o /tmp/jwt_fuzz
//   /tmp/jwt_fuzz -max_total_time=60 /tmp/jwt_corpus test/fuzz/corpus/jwt
// Replay the corpus only: /tmp/jwt_fuzz test/fuzz/corpus/jwt/*
#include "core/jwk.h"
#include "core/jwt.h"
#include "core/jwt_validator.h"
#include "core/token_status.h"
#include "fuzz_check.h"
#include "fuzz_keys.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace ssoauth;

namespace {

const JwkSet& corpus_keys() {
    static const std::shared_ptr<const JwkSet> keys = [] {
        auto set = JwkSet::parse(fuzz::kCorpusJwks, nullptr);
        FUZZ_CHECK(set && set->size() == 4);
        return set;
    }();
    return *keys;
}

void must_be_named(TokenStatus status) {
    // Every status a function returns has a code and a message.
    FUZZ_CHECK(token_status_name(status)[0] && token_status_message(status)[0]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    Jwt jwt;
    TokenStatus status = parse_jwt(input, &jwt);
    must_be_named(status);
    if (status != TokenStatus::Ok) return 0;
    FUZZ_CHECK(jwt.header && jwt.payload && !jwt.alg.empty());

    must_be_named(verify_jwt_signature(jwt, corpus_keys(), supported_signing_algs()));

    ClaimChecks claims;
    claims.issuer = fuzz::kIssuer;
    claims.audience = fuzz::kClientId;
    claims.now = fuzz::kNow;
    must_be_named(validate_claims(jwt.payload.get(), claims));

    IdTokenChecks id;
    id.claims = claims;
    id.client_id = fuzz::kClientId;
    id.nonce = fuzz::kNonce;
    id.access_token = fuzz::kAccessToken;
    status = validate_id_token(jwt, corpus_keys(), id);
    must_be_named(status);
    // An accepted id_token can never be unsigned or HMAC-signed.
    FUZZ_CHECK(status != TokenStatus::Ok || supported_signing_algs().count(jwt.alg));

    LogoutTokenChecks logout;
    logout.claims = claims;
    logout.client_id = fuzz::kClientId;
    must_be_named(validate_logout_token(jwt, corpus_keys(), logout));
    return 0;
}
