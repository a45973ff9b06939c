// A small key/value store shared by every process and thread of one Apache
// host: single-flight refresh results, revoked provider sessions, and seen
// logout-token ids live here. Production uses shared memory (src/httpd/
// shm_store); tests and single-process use the in-memory one. A networked
// store serving several hosts would implement the same interface.
//
// Values may hold sealed session data; never plaintext tokens.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ssoauth {

class SharedStore {
public:
    virtual ~SharedStore() = default;

    // Stores `value` under `key` until `expires_at` (seconds), replacing any
    // value. False when it cannot be stored (too large, store full of live entries).
    virtual bool put(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) = 0;
    // Stores only when `key` has no live value. True when this call stored it.
    virtual bool add(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) = 0;
    // The live (unexpired) value of `key`.
    virtual std::optional<std::string> get(const std::string& key, int64_t now) = 0;
    virtual void remove(const std::string& key) = 0;
    // The largest value this store accepts, in bytes.
    virtual size_t max_value_bytes() const = 0;
    // False only when no live key starting with `prefix` (up to and including
    // its ':') can exist: lets a hot path skip building keys. Always safe to answer true.
    virtual bool may_hold(const std::string& prefix, int64_t now) const {
        (void)prefix;
        (void)now;
        return true;
    }
};

// A process-local store (thread-safe) of at most `max_entries` entries.
std::shared_ptr<SharedStore> make_memory_store(size_t max_entries = 4096, size_t max_value_bytes = 16384);

}  // namespace ssoauth
