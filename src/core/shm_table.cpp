// The shared-memory table. See shm_table.h for what it is given.
//
// Layout of the region (all offsets fixed by format()):
//
//   Header   magic, version, slot count, value size, probe limit, and the
//            lock-free read hints (see below); padded to 64 bytes
//   Slot[n]  {32-byte SHA-256 of the key, expires_at, length, state}: 48 bytes
//   values   n x value_bytes: the value of slot i at values + i * value_bytes
//
// The compact slot index is kept apart from the values, so a probe touches
// 48-byte records rather than 8 KB ones. Every process maps the region at its
// own address, so nothing in it is a pointer.
//
// Placement: open addressing with linear probing from SHA-256(key) mod n, at
// most kMaxProbe slots. A slot is EMPTY (never used since the last
// compaction), USED (live while now < expires_at, expired after) or DELETED.
// Invariant: between a USED slot and its home slot no slot is EMPTY, so a
// probe stops at the first EMPTY slot. Expired and DELETED slots are reused
// by put/add; remove() and lookup() of an expired key turn trailing dead
// slots back into EMPTY ones, which keeps misses short. A key that finds no
// reusable slot within its probe window is refused (put/add return false) and
// reported as table_full, at most once a minute across all processes.
//
// Locking: every operation that reads or writes slots holds the caller's
// lock for one probe and one copy of at most value_bytes.
//
// Lock-free fast path for lookup(): the header keeps, per bucket of key
// prefix (the key up to its first ':', hashed into 64 buckets), the latest
// expires_at ever written under that prefix. Writers raise it (atomically,
// before the slot is written); lookup() and may_hold() read it without the
// lock, and when it is <= now no entry of that prefix can be live, so the
// answer is "absent" without locking. With no revoked session for a week, the
// "sid:" check on every request costs one atomic load.
#include "core/shm_table.h"

#include <atomic>
#include <cstring>
#include <limits>
#include <new>

#include "core/digest.h"

namespace ssoauth {

namespace {

constexpr uint64_t kMagic = 0x53534f4155544831ULL;  // "SSOAUTH1"
constexpr uint32_t kVersion = 1;
constexpr size_t kPrefixBuckets = 64;

constexpr uint32_t kEmpty = static_cast<uint32_t>(ShmTable::SlotState::Empty);
constexpr uint32_t kUsed = static_cast<uint32_t>(ShmTable::SlotState::Used);
constexpr uint32_t kDeleted = static_cast<uint32_t>(ShmTable::SlotState::Deleted);

static_assert(std::atomic<int64_t>::is_always_lock_free,
              "atomics in shared memory must be lock-free (address-free)");

// The bucket of a key's prefix: FNV-1a of the key up to and including its
// first ':' (the whole key when it has none).
size_t prefix_bucket(const std::string& key) {
    size_t end = key.find(':');
    end = end == std::string::npos ? key.size() : end + 1;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < end; ++i) h = (h ^ static_cast<unsigned char>(key[i])) * 0x100000001b3ULL;
    return static_cast<size_t>(h % kPrefixBuckets);
}

void raise_to(std::atomic<int64_t>& a, int64_t v) {
    int64_t current = a.load();
    while (current < v && !a.compare_exchange_weak(current, v)) {
    }
}

bool aligned(const void* p, size_t alignment) { return reinterpret_cast<uintptr_t>(p) % alignment == 0; }

}  // namespace

struct ShmTable::Slot {
    unsigned char key[32];  // SHA-256 of the key
    int64_t expires_at;
    uint32_t length;
    uint32_t state;  // a SlotState
};

// Placed at the region's base, which need only be 8-byte aligned (APR's
// anonymous shm hands out mmap base + 8).
struct ShmTable::Header {
    uint64_t magic;
    uint32_t version;
    uint32_t slot_count;
    uint32_t value_bytes;
    uint32_t probe_limit;
    uint64_t slots_offset;
    uint64_t values_offset;
    uint64_t total_bytes;
    // Per prefix bucket, the latest expires_at ever stored (0: never).
    std::atomic<int64_t> prefix_expiry[kPrefixBuckets];
    // When table_full was last reported, by any process.
    std::atomic<int64_t> full_warned_at;
    // Pads the header to 576 bytes, a multiple of 64: the slots start there.
    unsigned char reserved[8];
};

// Holds the caller's lock for one scope, if it could be taken.
class ShmTable::Locked {
public:
    explicit Locked(ShmTableLock& lock) : lock_(lock), held_(lock.lock()) {}
    ~Locked() {
        if (held_) lock_.unlock();
    }
    Locked(const Locked&) = delete;
    Locked& operator=(const Locked&) = delete;
    bool held() const { return held_; }

private:
    ShmTableLock& lock_;
    const bool held_;
};

// ---- the region ----

uint64_t ShmTable::region_bytes(uint32_t slots, uint32_t value_bytes) {
    const uint64_t per_slot = sizeof(Slot) + uint64_t(value_bytes);
    if (slots && per_slot > (std::numeric_limits<uint64_t>::max() - sizeof(Header)) / slots)
        return std::numeric_limits<uint64_t>::max();  // never fits
    return sizeof(Header) + uint64_t(slots) * per_slot;
}

bool ShmTable::format(void* region, size_t size, uint32_t slots, uint32_t value_bytes) {
    const uint64_t total = region_bytes(slots, value_bytes);
    if (!region || slots == 0 || total > size || !aligned(region, alignof(Header))) return false;
    std::memset(region, 0, static_cast<size_t>(total));
    Header* h = new (region) Header;
    h->magic = kMagic;
    h->version = kVersion;
    h->slot_count = slots;
    h->value_bytes = value_bytes;
    h->probe_limit = slots < kMaxProbe ? slots : kMaxProbe;
    h->slots_offset = sizeof(Header);
    h->values_offset = h->slots_offset + uint64_t(slots) * sizeof(Slot);
    h->total_bytes = total;
    for (auto& e : h->prefix_expiry) e.store(0);
    h->full_warned_at.store(0);
    return true;
}

// The header of the table in `region`, or null. The offsets are read back by
// every process, so a damaged header must not send a probe outside the region.
const ShmTable::Header* ShmTable::table_in(const void* region, size_t size) {
    if (!region || size < sizeof(Header) || !aligned(region, alignof(Header))) return nullptr;
    const auto* h = static_cast<const Header*>(region);
    if (h->magic != kMagic || h->version != kVersion || h->slot_count == 0) return nullptr;
    const uint64_t values_offset = sizeof(Header) + uint64_t(h->slot_count) * sizeof(Slot);
    if (h->slots_offset != sizeof(Header) || h->values_offset != values_offset ||
        h->total_bytes != region_bytes(h->slot_count, h->value_bytes) || h->total_bytes > size ||
        h->probe_limit != (h->slot_count < kMaxProbe ? h->slot_count : kMaxProbe))
        return nullptr;
    return h;
}

bool ShmTable::holds(const void* region, size_t size, uint32_t slots, uint32_t value_bytes) {
    const Header* h = table_in(region, size);
    return h && h->slot_count == slots && h->value_bytes == value_bytes;
}

std::unique_ptr<ShmTable> ShmTable::attach(void* region, size_t size, ShmTableLock& lock, ShmTableEvents* events) {
    if (!table_in(region, size)) return nullptr;
    return std::unique_ptr<ShmTable>(new ShmTable(static_cast<Header*>(region), lock, events));
}

ShmTable::ShmTable(Header* header, ShmTableLock& lock, ShmTableEvents* events)
    : h_(header),
      slots_(reinterpret_cast<Slot*>(reinterpret_cast<char*>(header) + header->slots_offset)),
      values_(reinterpret_cast<char*>(header) + header->values_offset),
      lock_(lock),
      events_(events) {
    static_assert(sizeof(Slot) == 48, "the slot index is 48 bytes a slot");
    // The layout is shared with the children of the previous generation after
    // a graceful restart: a change here needs a new kVersion.
    static_assert(sizeof(Header) == 576, "the header layout is fixed");
}

// ---- the SharedStore operations ----

bool ShmTable::put(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) {
    return store(key, value, expires_at, now, /*only_if_absent=*/false);
}

bool ShmTable::add(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) {
    return store(key, value, expires_at, now, /*only_if_absent=*/true);
}

StoreLookup ShmTable::lookup(const std::string& key, int64_t now) {
    // The hint proves absence without the lock, so even a broken lock answers Absent here.
    if (h_->prefix_expiry[prefix_bucket(key)].load() <= now) return {};
    unsigned char hash[32];
    if (!digest(key, hash)) return {LookupStatus::Unavailable, {}};
    Locked locked(lock_);
    if (!locked.held()) return {LookupStatus::Unavailable, {}};
    long i = find(hash, nullptr, now);
    if (i < 0) return {};
    Slot& slot = slots_[i];
    if (!live(slot, now)) {
        slot.state = kDeleted;
        compact(static_cast<uint32_t>(i), now);
        return {};
    }
    return {LookupStatus::Found, std::string(value_of(static_cast<uint32_t>(i)), slot.length)};
}

void ShmTable::remove(const std::string& key) {
    unsigned char hash[32];
    if (!digest(key, hash)) return;
    Locked locked(lock_);
    if (!locked.held()) return;
    long i = find(hash, nullptr, 0);
    if (i < 0) return;
    slots_[i].state = kDeleted;
    compact(static_cast<uint32_t>(i), 0);
}

size_t ShmTable::max_value_bytes() const { return h_->value_bytes; }

bool ShmTable::may_hold(const std::string& prefix, int64_t now) const {
    return h_->prefix_expiry[prefix_bucket(prefix)].load() > now;
}

// ---- inspection ----

uint32_t ShmTable::slot_count() const { return h_->slot_count; }

ShmTable::SlotState ShmTable::slot_state(uint32_t slot) const {
    return slot < h_->slot_count ? static_cast<SlotState>(slots_[slot].state) : SlotState::Empty;
}

uint32_t ShmTable::home_slot(const std::string& key) const {
    unsigned char hash[32];
    return digest(key, hash) ? home(hash) : 0;
}

// ---- probing ----

bool ShmTable::live(const Slot& slot, int64_t now) { return slot.state == kUsed && now < slot.expires_at; }

bool ShmTable::digest(const std::string& key, unsigned char out[32]) const {
    const std::string hash = sha256(key);
    if (hash.size() == 32) {
        std::memcpy(out, hash.data(), 32);
        return true;
    }
    if (events_) events_->digest_failed();
    return false;
}

uint32_t ShmTable::home(const unsigned char hash[32]) const {
    uint64_t h;
    std::memcpy(&h, hash, sizeof(h));
    return static_cast<uint32_t>(h % h_->slot_count);
}

uint32_t ShmTable::next(uint32_t i) const { return i + 1 == h_->slot_count ? 0 : i + 1; }
uint32_t ShmTable::previous(uint32_t i) const { return i == 0 ? h_->slot_count - 1 : i - 1; }
char* ShmTable::value_of(uint32_t i) const { return values_ + uint64_t(i) * h_->value_bytes; }

// The slot holding `hash` (live or expired), or -1. When `reusable` is
// given, it receives the first slot a new key may take (EMPTY, DELETED
// or expired) in the probe window, or -1.
long ShmTable::find(const unsigned char hash[32], long* reusable, int64_t now) const {
    if (reusable) *reusable = -1;
    uint32_t i = home(hash);
    for (uint32_t n = 0; n < h_->probe_limit; ++n, i = next(i)) {
        const Slot& slot = slots_[i];
        if (slot.state == kEmpty) {
            if (reusable && *reusable < 0) *reusable = i;
            return -1;
        }
        if (slot.state == kUsed && std::memcmp(slot.key, hash, 32) == 0) return i;
        if (reusable && *reusable < 0 && !live(slot, now)) *reusable = i;
    }
    return -1;
}

// Turns dead slots into EMPTY ones backwards from `i` while the slot after
// is EMPTY: no key can have probed through them.
void ShmTable::compact(uint32_t i, int64_t now) {
    for (uint32_t n = 0; n < h_->probe_limit; ++n, i = previous(i)) {
        Slot& slot = slots_[i];
        if (slot.state == kEmpty || live(slot, now) || slots_[next(i)].state != kEmpty) return;
        slot.state = kEmpty;
    }
}

// ---- writing ----

bool ShmTable::store(const std::string& key, const std::string& value, int64_t expires_at, int64_t now,
                     bool only_if_absent) {
    if (value.size() > h_->value_bytes) return false;
    unsigned char hash[32];
    if (!digest(key, hash)) return false;
    {
        Locked locked(lock_);
        if (!locked.held()) return false;
        long reusable = -1;
        long i = find(hash, &reusable, now);
        if (i >= 0 && only_if_absent && live(slots_[i], now)) return false;
        if (i < 0) i = reusable;
        if (i >= 0) {
            write(static_cast<uint32_t>(i), key, hash, value, expires_at);
            return true;
        }
    }
    report_full(now);  // outside the lock: the host may write to a log
    return false;
}

void ShmTable::write(uint32_t i, const std::string& key, const unsigned char hash[32], const std::string& value,
                     int64_t expires_at) {
    // The hint first, so a lock-free reader never misses a stored entry.
    raise_to(h_->prefix_expiry[prefix_bucket(key)], expires_at);
    Slot& slot = slots_[i];
    // A process dying mid-copy leaves a DELETED slot, not a torn value.
    slot.state = kDeleted;
    std::memcpy(value_of(i), value.data(), value.size());
    slot.length = static_cast<uint32_t>(value.size());
    slot.expires_at = expires_at;
    std::memcpy(slot.key, hash, 32);
    slot.state = kUsed;
}

// One report a minute for all processes: the first to move full_warned_at
// forward reports; the others, having lost the exchange, stay quiet.
void ShmTable::report_full(int64_t now) {
    int64_t last = h_->full_warned_at.load();
    if (now - last < kFullWarningInterval || !h_->full_warned_at.compare_exchange_strong(last, now)) return;
    if (events_) events_->table_full(h_->slot_count);
}

}  // namespace ssoauth
