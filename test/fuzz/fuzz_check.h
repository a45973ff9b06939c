// The invariants a fuzz target asserts. Under libFuzzer a broken invariant
// aborts (libFuzzer saves the input as a crash); when the unit tests replay a
// corpus (SSOAUTH_FUZZ_REPLAY) it throws, so the replay names the input and
// the invariant instead of killing the test binary.
#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

#ifdef SSOAUTH_FUZZ_REPLAY
#define FUZZ_CHECK(condition)                                                                         \
    do {                                                                                              \
        if (!(condition))                                                                             \
            throw std::logic_error(std::string("fuzz invariant broken: ") + #condition + " at " +     \
                                   __FILE__ + ":" + std::to_string(__LINE__));                        \
    } while (0)
#else
#define FUZZ_CHECK(condition)        \
    do {                             \
        if (!(condition)) std::abort(); \
    } while (0)
#endif
