// Random sources for tests: one that counts up, one that always fails.
#pragma once

#include "core/random.h"

#include <cstddef>

namespace ssoauth {
namespace test {

// Deterministic bytes (0, 1, 2, ...), to show what is made from the generator's output.
class CountingRandom : public RandomSource {
public:
    bool bytes(unsigned char* out, size_t length) override {
        for (size_t i = 0; i < length; ++i) out[i] = static_cast<unsigned char>(next_++);
        requested += length;
        return true;
    }
    size_t requested = 0;

private:
    unsigned next_ = 0;
};

class FailingRandom : public RandomSource {
public:
    bool bytes(unsigned char*, size_t) override { return false; }
};

}  // namespace test
}  // namespace ssoauth
