// The shared-memory table: a SharedStore laid over a memory region that the
// caller provides (a pointer and a size), guarded by a lock that the caller
// provides. Every process that maps the region and shares the lock sees one
// table. The httpd adapter (src/httpd/shm_store) supplies an APR shared
// memory segment and the "ssoauth-store" global mutex; the unit tests supply
// an anonymous MAP_SHARED mapping and a process-shared pthread mutex.
//
// Open addressing over a fixed number of slots, each holding at most
// `value_bytes`; SHA-256 of the key is what is stored, never the key itself.
// See shm_table.cpp for the layout and the algorithm.
//
// Not done here: creating, mapping or sizing the region (format() fills one
// the caller made), choosing or creating the lock, logging (events go to
// ShmTableEvents), and partitioning room between kinds of entries (a caller
// wanting that can lay several tables over parts of one region).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/shared_store.h"

namespace ssoauth {

// The lock shared by every user of one region. lock() may fail; the
// operation then fails closed: put/add return false, lookup() answers
// Unavailable, remove() does nothing. unlock() follows only a successful lock().
class ShmTableLock {
public:
    virtual ~ShmTableLock() = default;
    virtual bool lock() = 0;
    virtual void unlock() = 0;
};

// What the table reports to its host, which logs it. Called without the lock held.
class ShmTableEvents {
public:
    virtual ~ShmTableEvents() = default;
    // A new key found no reusable slot in its probe window and was refused.
    // Reported at most once per ShmTable::kFullWarningInterval seconds by all
    // the processes sharing the region together.
    virtual void table_full(uint32_t slot_count) = 0;
    // SHA-256 of a key could not be computed; the operation failed closed.
    virtual void digest_failed() = 0;
};

class ShmTable final : public SharedStore {
public:
    static constexpr uint32_t kMaxProbe = 64;               // slots a key may be placed from its home
    static constexpr int64_t kFullWarningInterval = 60;     // seconds between table_full reports
    static constexpr uint64_t kMaxRegionBytes = 4ULL << 30; // a sanity bound for callers sizing a region

    // The bytes a table of `slots` slots of up to `value_bytes` bytes needs.
    static uint64_t region_bytes(uint32_t slots, uint32_t value_bytes);
    // Lays an empty table over `region` (which it zeroes). False, leaving the
    // region untouched, when `slots` is 0 or `size` < region_bytes(...).
    // `region` must be 8-byte aligned (any mmap'ed or APR shm base is).
    static bool format(void* region, size_t size, uint32_t slots, uint32_t value_bytes);
    // True when `region` holds a well-formed table that format() laid with
    // exactly this shape: attach() will succeed (e.g. across a restart).
    static bool holds(const void* region, size_t size, uint32_t slots, uint32_t value_bytes);
    // This process's handle on the table in `region`; null when the region
    // holds no table that fits in `size`. `lock` and `events` (may be null)
    // must outlive the handle; neither is owned.
    static std::unique_ptr<ShmTable> attach(void* region, size_t size, ShmTableLock& lock,
                                            ShmTableEvents* events = nullptr);

    bool put(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) override;
    bool add(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) override;
    StoreLookup lookup(const std::string& key, int64_t now) override;
    void remove(const std::string& key) override;
    size_t max_value_bytes() const override;
    // Lock-free: one atomic load of the prefix's read hint.
    bool may_hold(const std::string& prefix, int64_t now) const override;

    // For tests and diagnostics; read without the lock.
    enum class SlotState : uint32_t { Empty = 0, Used = 1, Deleted = 2 };
    uint32_t slot_count() const;
    SlotState slot_state(uint32_t slot) const;
    // The slot a key's probe starts at.
    uint32_t home_slot(const std::string& key) const;

private:
    struct Header;
    struct Slot;
    class Locked;

    ShmTable(Header* header, ShmTableLock& lock, ShmTableEvents* events);
    static const Header* table_in(const void* region, size_t size);

    static bool live(const Slot& slot, int64_t now);

    bool digest(const std::string& key, unsigned char out[32]) const;
    uint32_t home(const unsigned char hash[32]) const;
    uint32_t next(uint32_t i) const;
    uint32_t previous(uint32_t i) const;
    char* value_of(uint32_t i) const;
    long find(const unsigned char hash[32], long* reusable, int64_t now) const;
    void compact(uint32_t i, int64_t now);
    bool store(const std::string& key, const std::string& value, int64_t expires_at, int64_t now,
               bool only_if_absent);
    void write(uint32_t i, const std::string& key, const unsigned char hash[32], const std::string& value,
               int64_t expires_at);
    void report_full(int64_t now);

    Header* h_;
    Slot* slots_;
    char* values_;
    ShmTableLock& lock_;
    ShmTableEvents* events_;
};

}  // namespace ssoauth
