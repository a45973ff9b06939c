// A small key/value store shared by every process and thread of one Apache
// host: single-flight refresh results, revoked provider sessions, and seen
// logout-token ids live here. Production uses a table in shared memory
// (core/shm_table, placed by src/httpd/shm_store); tests and single-process
// use the in-memory one. A networked store serving several hosts implements
// the same interface; test/unit/store_contract_test.cpp states what every
// implementation must do.
//
// Values may hold sealed session data; never plaintext tokens.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ssoauth {

// What a lookup found.
enum class LookupStatus {
    Found,        // a live value
    Absent,       // no live value: the store was read and holds none
    Unavailable,  // the store could not be read (lock failure, store down)
};

struct StoreLookup {
    LookupStatus status = LookupStatus::Absent;
    std::string value;  // set only when Found
};

class SharedStore {
public:
    virtual ~SharedStore() = default;

    // Stores `value` under `key` until `expires_at` (seconds), replacing any
    // value. False when it cannot be stored (too large, store full of live
    // entries, store unavailable).
    virtual bool put(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) = 0;
    // Stores only when `key` has no live value. True when this call stored it;
    // false also when the store is unavailable.
    virtual bool add(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) = 0;
    // The live (unexpired) value of `key`, or why there is none. A caller
    // deciding something a missing entry would allow (e.g. "not revoked")
    // must treat Unavailable as "unknown", never as Absent.
    virtual StoreLookup lookup(const std::string& key, int64_t now) = 0;
    // The live value of `key`; nothing when it is absent *or* the store is
    // unavailable (see lookup() to tell them apart).
    std::optional<std::string> get(const std::string& key, int64_t now) {
        StoreLookup found = lookup(key, now);
        if (found.status != LookupStatus::Found) return std::nullopt;
        return std::move(found.value);
    }
    // Not checked: whether the key existed, or whether the store was reachable.
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
