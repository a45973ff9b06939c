// Fuzz target: a provider's discovery document.
#include "core/provider_metadata.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    ssoauth::ProviderMetadata metadata;
    std::string detail;
    ssoauth::parse_provider_metadata(input, "https://idp.test/api/auth", &metadata, &detail);
    return 0;
}
