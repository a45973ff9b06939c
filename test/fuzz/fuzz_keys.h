// The public JWKS the seed corpus in test/fuzz/corpus/jwt was signed with
// (keys generated once for the corpus; the private halves were discarded).
#pragma once

namespace ssoauth {
namespace fuzz {

constexpr char kCorpusJwks[] = R"JWKS({"keys":[{"alg":"EdDSA","crv":"Ed25519","kid":"fz-ed","kty":"OKP","x":"Hi0dtV-CU3rtcWZsHmDYpwk5XeHLJDloTMNxYS1m2xw"},{"alg":"RS256","e":"AQAB","kid":"fz-rsa","kty":"RSA","n":"19EHlPzfbgAQM-uZnXHta429NO9NfE7fg8SK6iKKjc8y9EWAF86-ACtLDSDjHMiZR0wLnw00WwUz4tBNtHkbLh6luKZWgsq4iyd74X4dOL3uDmGXwI7CqMvS-5yYL-BmWM8QfqCEQFdwmHgB9L5j2Jzs_6KRR6jZMQvL-cO7TsUnPVC8DeqLKQ8vl4QXaV8x_Is1YlKv6eiJ3lcR9qiZ1RtGuo4rkKpgC18eEDBLRrG4deVMQKissp0N4xhUdqskZsd6DVHWkzi6QCMIv9BBbuRXDi8mjd92xtBFdXUCORk6LizLQ380-tGDU7h8qWJ4YSh6OtjOQPVHRxvTWaNz_Q"},{"e":"AQAB","kid":"fz-rsa-ps","kty":"RSA","n":"19EHlPzfbgAQM-uZnXHta429NO9NfE7fg8SK6iKKjc8y9EWAF86-ACtLDSDjHMiZR0wLnw00WwUz4tBNtHkbLh6luKZWgsq4iyd74X4dOL3uDmGXwI7CqMvS-5yYL-BmWM8QfqCEQFdwmHgB9L5j2Jzs_6KRR6jZMQvL-cO7TsUnPVC8DeqLKQ8vl4QXaV8x_Is1YlKv6eiJ3lcR9qiZ1RtGuo4rkKpgC18eEDBLRrG4deVMQKissp0N4xhUdqskZsd6DVHWkzi6QCMIv9BBbuRXDi8mjd92xtBFdXUCORk6LizLQ380-tGDU7h8qWJ4YSh6OtjOQPVHRxvTWaNz_Q"},{"alg":"ES256","crv":"P-256","kid":"fz-ec","kty":"EC","x":"wI7pnPZXFp1rn2Ayljnx3TXnpMr8ZAaAvevpRKDxhro","y":"RIr1UbXW09WNW5GABXMsECShZDAUbiJGfv-DW16a21Q"}]})JWKS";

constexpr char kIssuer[] = "https://idp.fuzz";
constexpr char kClientId[] = "client";
constexpr char kNonce[] = "n";
constexpr char kAccessToken[] = "access";
constexpr long long kNow = 1700000100;

}  // namespace fuzz
}  // namespace ssoauth
