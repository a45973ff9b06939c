// What the store tests share: printers for the store enums, and a shm table
// over a region that forked children share (an anonymous MAP_SHARED mapping
// that starts with a process-shared pthread mutex, the table's lock).
#pragma once

#include "core/shared_store.h"
#include "core/shm_table.h"

#include <pthread.h>
#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <ostream>
#include <stdexcept>

namespace ssoauth {
inline std::ostream& operator<<(std::ostream& os, LookupStatus s) {
    switch (s) {
        case LookupStatus::Found: return os << "Found";
        case LookupStatus::Absent: return os << "Absent";
        case LookupStatus::Unavailable: return os << "Unavailable";
    }
    return os << "LookupStatus(" << static_cast<int>(s) << ")";
}
inline std::ostream& operator<<(std::ostream& os, ShmTable::SlotState s) {
    switch (s) {
        case ShmTable::SlotState::Empty: return os << "Empty";
        case ShmTable::SlotState::Used: return os << "Used";
        case ShmTable::SlotState::Deleted: return os << "Deleted";
    }
    return os << "SlotState(" << static_cast<int>(s) << ")";
}

namespace test {

// The table's lock: a pthread mutex in the shared mapping, so forked
// children exclude each other. A test can make every lock() fail, and count
// the lock() calls of this process.
class ProcessSharedLock final : public ShmTableLock {
public:
    explicit ProcessSharedLock(pthread_mutex_t* mutex) : mutex_(mutex) {}
    bool lock() override {
        locks.fetch_add(1);
        return !fail.load() && pthread_mutex_lock(mutex_) == 0;
    }
    void unlock() override { pthread_mutex_unlock(mutex_); }

    std::atomic<bool> fail{false};
    std::atomic<int> locks{0};

private:
    pthread_mutex_t* mutex_;
};

// Counts what the table reports (in this process).
class CountingEvents final : public ShmTableEvents {
public:
    void table_full(uint32_t slot_count) override {
        full.fetch_add(1);
        full_slot_count.store(slot_count);
    }
    void digest_failed() override { digest_failures.fetch_add(1); }

    std::atomic<int> full{0};
    std::atomic<uint32_t> full_slot_count{0};
    std::atomic<int> digest_failures{0};
};

// One mapping: [pthread mutex, padded to 64 bytes][table region]. Forked
// children inherit the mapping and this object (a copy of it).
class SharedRegion {
public:
    SharedRegion(uint32_t slots, uint32_t value_bytes)
        : table_bytes_(static_cast<size_t>(ShmTable::region_bytes(slots, value_bytes))),
          map_bytes_(kLockBytes + table_bytes_) {
        map_ = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (map_ == MAP_FAILED) throw std::runtime_error("mmap of the test region failed");
        init_mutex();
        lock_ = std::make_unique<ProcessSharedLock>(mutex());
        if (!ShmTable::format(region(), table_bytes_, slots, value_bytes))
            throw std::runtime_error("cannot format the test region");
        table_ = ShmTable::attach(region(), table_bytes_, *lock_, &events_);
    }
    ~SharedRegion() {
        table_.reset();
        pthread_mutex_destroy(mutex());
        munmap(map_, map_bytes_);
    }
    SharedRegion(const SharedRegion&) = delete;
    SharedRegion& operator=(const SharedRegion&) = delete;

    ShmTable& table() { return *table_; }
    ProcessSharedLock& lock() { return *lock_; }
    CountingEvents& events() { return events_; }
    void* region() { return static_cast<char*>(map_) + kLockBytes; }
    size_t region_bytes() const { return table_bytes_; }

private:
    static constexpr size_t kLockBytes = 64;
    static_assert(sizeof(pthread_mutex_t) <= kLockBytes, "the mutex fits before the table");

    pthread_mutex_t* mutex() { return static_cast<pthread_mutex_t*>(map_); }
    void init_mutex() {
        pthread_mutexattr_t attr;
        pthread_mutexattr_init(&attr);
        pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        pthread_mutex_init(mutex(), &attr);
        pthread_mutexattr_destroy(&attr);
    }

    size_t table_bytes_;
    size_t map_bytes_;
    void* map_ = nullptr;
    std::unique_ptr<ProcessSharedLock> lock_;
    CountingEvents events_;
    std::unique_ptr<ShmTable> table_;
};

// A region's table as a SharedStore that keeps its region alive.
inline std::shared_ptr<SharedStore> store_of(const std::shared_ptr<SharedRegion>& region) {
    return std::shared_ptr<SharedStore>(region, &region->table());
}

}  // namespace test
}  // namespace ssoauth
