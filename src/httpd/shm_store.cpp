// The shared-memory SharedStore. See shm_store.h for its lifetime.
//
// Layout of the segment (all offsets fixed at creation):
//
//   Header   magic, version, slot count, value size, probe limit, and the
//            lock-free read hints (see below); padded to 64 bytes
//   Slot[n]  {32-byte SHA-256 of the key, expires_at, length, state}: 48 bytes
//   values   n x value_bytes: the value of slot i at values + i * value_bytes
//
// The compact slot index is kept apart from the values, so a probe touches
// 48-byte records rather than 8 KB ones.
//
// Placement: open addressing with linear probing from SHA-256(key) mod n, at
// most kMaxProbe slots. A slot is EMPTY (never used since the last
// compaction), USED (live while now < expires_at, expired after) or DELETED.
// Invariant: between a USED slot and its home slot no slot is EMPTY, so a
// probe stops at the first EMPTY slot. Expired and DELETED slots are reused
// by put/add; remove() and get() of an expired key turn trailing dead slots
// back into EMPTY ones, which keeps misses short. A key that finds no
// reusable slot within its probe window is refused (put/add return false) and
// a warning, at most once a minute, says to raise SSOAuthSharedStoreEntries.
//
// Locking: every operation that reads or writes slots holds the global mutex
// "ssoauth-store" (a process-shared pthread mutex on Linux by default) for
// one probe and one copy of at most value_bytes.
//
// Lock-free fast path for get(): the header keeps, per bucket of key prefix
// (the key up to its first ':', hashed into 64 buckets), the latest
// expires_at ever written under that prefix. Writers raise it (atomically,
// before the slot is written); get() reads it without the lock, and when it
// is <= now no entry of that prefix can be live, so the answer is "absent"
// without locking. With no revoked session for a week, the "sid:" check on
// every request costs one atomic load.
#include "core/digest.h"
#include "httpd/shm_store.h"
#include "httpd/config.h"


#include <atomic>
#include <cstring>
#include <new>

#include <apr_global_mutex.h>
#include <apr_shm.h>
#include <util_mutex.h>

#include "httpd/log.h"

namespace ssoauth {
namespace httpd {

namespace {

constexpr const char* kMutexType = "ssoauth-store";
constexpr const char* kUserdataKey = "ssoauth-shm-store";
constexpr uint64_t kMagic = 0x53534f4155544831ULL;  // "SSOAUTH1"
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxProbe = 64;
constexpr size_t kPrefixBuckets = 64;
constexpr uint64_t kMaxSegmentBytes = 4ULL << 30;  // 4 GiB
constexpr int64_t kFullWarningInterval = 60;       // seconds

enum SlotState : uint32_t { kEmpty = 0, kUsed = 1, kDeleted = 2 };

struct Slot {
    unsigned char key[32];  // SHA-256 of the key
    int64_t expires_at;
    uint32_t length;
    uint32_t state;
};
static_assert(sizeof(Slot) == 48, "the slot index is 48 bytes a slot");

static_assert(std::atomic<int64_t>::is_always_lock_free,
              "atomics in shared memory must be lock-free (address-free)");

struct alignas(64) Header {
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
    // When the "store full" warning was last logged, by any process.
    std::atomic<int64_t> full_warned_at;
};

struct Geometry {
    uint64_t slots_offset;
    uint64_t values_offset;
    uint64_t total_bytes;
};

Geometry geometry(uint32_t slot_count, uint32_t value_bytes) {
    Geometry g;
    g.slots_offset = sizeof(Header);
    g.values_offset = g.slots_offset + uint64_t(slot_count) * sizeof(Slot);
    g.total_bytes = g.values_offset + uint64_t(slot_count) * value_bytes;
    return g;
}

// What survives a restart, in the process pool (the DSO itself is unloaded
// and reloaded, so nothing here may point into it).
struct Persistent {
    apr_shm_t* shm;
    apr_global_mutex_t* mutex;
    unsigned generation;  // 0, then +1 at each resize: names the mutex instance
};

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

class ShmStore final : public SharedStore {
public:
    ShmStore(Header* header, apr_global_mutex_t* mutex, server_rec* s)
        : h_(header),
          slots_(reinterpret_cast<Slot*>(reinterpret_cast<char*>(header) + header->slots_offset)),
          values_(reinterpret_cast<char*>(header) + header->values_offset),
          mutex_(mutex),
          s_(s) {}

    // child_init may hand back a new mutex handle; called before any worker thread.
    void set_mutex(apr_global_mutex_t* mutex) { mutex_ = mutex; }
    apr_global_mutex_t* mutex() const { return mutex_; }

    bool put(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) override {
        return store(key, value, expires_at, now, /*only_if_absent=*/false);
    }

    bool add(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) override {
        return store(key, value, expires_at, now, /*only_if_absent=*/true);
    }

    std::optional<std::string> get(const std::string& key, int64_t now) override {
        if (h_->prefix_expiry[prefix_bucket(key)].load() <= now) return std::nullopt;  // nothing live
        unsigned char hash[32];
        if (!digest(key, hash)) return std::nullopt;
        Lock lock(this);
        if (!lock.held()) return std::nullopt;
        long i = find(hash, nullptr, now);
        if (i < 0) return std::nullopt;
        Slot& slot = slots_[i];
        if (!live(slot, now)) {
            slot.state = kDeleted;
            compact(static_cast<uint32_t>(i), now);
            return std::nullopt;
        }
        return std::string(value_of(static_cast<uint32_t>(i)), slot.length);
    }

    void remove(const std::string& key) override {
        unsigned char hash[32];
        if (!digest(key, hash)) return;
        Lock lock(this);
        if (!lock.held()) return;
        long i = find(hash, nullptr, 0);
        if (i < 0) return;
        slots_[i].state = kDeleted;
        compact(static_cast<uint32_t>(i), 0);
    }

    size_t max_value_bytes() const override { return h_->value_bytes; }

    bool may_hold(const std::string& prefix, int64_t now) const override {
        return h_->prefix_expiry[prefix_bucket(prefix)].load() > now;
    }

private:
    class Lock {
    public:
        explicit Lock(ShmStore* store) : store_(store) {
            apr_status_t rv = apr_global_mutex_lock(store_->mutex_);
            held_ = rv == APR_SUCCESS;
            if (!held_)
                ap_log_error(APLOG_MARK, APLOG_ERR, rv, store_->s_,
                             SSOLOGNO(00069) "cannot lock the shared store (mutex %s)", kMutexType);
        }
        ~Lock() {
            if (held_) apr_global_mutex_unlock(store_->mutex_);
        }
        Lock(const Lock&) = delete;
        Lock& operator=(const Lock&) = delete;
        bool held() const { return held_; }

    private:
        ShmStore* store_;
        bool held_;
    };

    static bool live(const Slot& slot, int64_t now) { return slot.state == kUsed && now < slot.expires_at; }

    bool digest(const std::string& key, unsigned char out[32]) const {
        const std::string hash = sha256(key);
        if (hash.size() == 32) {
            std::memcpy(out, hash.data(), 32);
            return true;
        }
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s_, SSOLOGNO(00072) "shared store: SHA-256 failed");
        return false;
    }

    uint32_t home(const unsigned char hash[32]) const {
        uint64_t h;
        std::memcpy(&h, hash, sizeof(h));
        return static_cast<uint32_t>(h % h_->slot_count);
    }

    uint32_t next(uint32_t i) const { return i + 1 == h_->slot_count ? 0 : i + 1; }
    uint32_t previous(uint32_t i) const { return i == 0 ? h_->slot_count - 1 : i - 1; }
    char* value_of(uint32_t i) const { return values_ + uint64_t(i) * h_->value_bytes; }

    // The slot holding `hash` (live or expired), or -1. When `reusable` is
    // given, it receives the first slot a new key may take (EMPTY, DELETED
    // or expired) in the probe window, or -1.
    long find(const unsigned char hash[32], long* reusable, int64_t now) const {
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
    void compact(uint32_t i, int64_t now) {
        for (uint32_t n = 0; n < h_->probe_limit; ++n, i = previous(i)) {
            Slot& slot = slots_[i];
            if (slot.state == kEmpty || live(slot, now) || slots_[next(i)].state != kEmpty) return;
            slot.state = kEmpty;
        }
    }

    bool store(const std::string& key, const std::string& value, int64_t expires_at, int64_t now,
               bool only_if_absent) {
        if (value.size() > h_->value_bytes) return false;
        unsigned char hash[32];
        if (!digest(key, hash)) return false;
        {
            Lock lock(this);
            if (!lock.held()) return false;
            long reusable = -1;
            long i = find(hash, &reusable, now);
            if (i >= 0 && only_if_absent && live(slots_[i], now)) return false;
            if (i < 0) i = reusable;
            if (i >= 0) {
                write(static_cast<uint32_t>(i), key, hash, value, expires_at);
                return true;
            }
        }
        warn_full(now);  // outside the lock: it may write to the error log
        return false;
    }

    void write(uint32_t i, const std::string& key, const unsigned char hash[32], const std::string& value,
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

    void warn_full(int64_t now) {
        int64_t last = h_->full_warned_at.load();
        if (now - last < kFullWarningInterval || !h_->full_warned_at.compare_exchange_strong(last, now)) return;
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s_,
                     SSOLOGNO(00070) "shared store: no free slot for a new entry (%u slots, all live near its "
                     "position); raise SSOAuthSharedStoreEntries",
                     h_->slot_count);
    }

    Header* h_;
    Slot* slots_;
    char* values_;
    apr_global_mutex_t* mutex_;
    server_rec* s_;
};

// The process's store. Written only by post_config (parent, single-threaded)
// and child_init (before worker threads), read by request threads.
std::shared_ptr<ShmStore> g_store;

apr_status_t forget_store(void*) {
    g_store.reset();
    return APR_SUCCESS;
}

Header* header_of(apr_shm_t* shm) { return static_cast<Header*>(apr_shm_baseaddr_get(shm)); }

bool fits(const Persistent* p, uint32_t slots, uint32_t value_bytes) {
    const Header* h = header_of(p->shm);
    return h->magic == kMagic && h->version == kVersion && h->slot_count == slots && h->value_bytes == value_bytes;
}

int create_segment(server_rec* s, apr_pool_t* pool, uint32_t slots, uint32_t value_bytes, Persistent* out) {
    // A resized store gets a mutex of its own: the previous one (and, for
    // file-based mechanisms, its file) stays with the previous generation.
    const char* instance = out->generation ? apr_psprintf(pool, "%u", out->generation) : nullptr;
    Geometry g = geometry(slots, value_bytes);
    apr_status_t rv = apr_shm_create(&out->shm, static_cast<apr_size_t>(g.total_bytes), nullptr, pool);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     SSOLOGNO(00062) "cannot create the shared store: %" APR_UINT64_T_FMT
                                     " bytes of anonymous shared memory (SSOAuthSharedStoreEntries %u, "
                                     "SSOAuthSharedStoreValueBytes %u)",
                     g.total_bytes, slots, value_bytes);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rv = ap_global_mutex_create(&out->mutex, nullptr, kMutexType, instance, s, pool, 0);
    if (rv != APR_SUCCESS || !out->mutex) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     SSOLOGNO(00063) "cannot create the shared store's mutex '%s' (see the Mutex directive)",
                     kMutexType);
        apr_shm_destroy(out->shm);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    void* base = apr_shm_baseaddr_get(out->shm);
    std::memset(base, 0, static_cast<size_t>(g.total_bytes));
    Header* h = new (base) Header;
    h->magic = kMagic;
    h->version = kVersion;
    h->slot_count = slots;
    h->value_bytes = value_bytes;
    h->probe_limit = slots < kMaxProbe ? slots : kMaxProbe;
    h->slots_offset = g.slots_offset;
    h->values_offset = g.values_offset;
    h->total_bytes = g.total_bytes;
    for (auto& e : h->prefix_expiry) e.store(0);
    h->full_warned_at.store(0);
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 SSOLOGNO(00067) "shared store created: %u entries of up to %u bytes, %" APR_UINT64_T_FMT
                                 " KiB, mutex %s (%s)",
                 slots, value_bytes, g.total_bytes / 1024, kMutexType, apr_global_mutex_name(out->mutex));
    return OK;
}

int post_config_unsafe(apr_pool_t* pconf, server_rec* s) {
    const ServerConfig* config = server_config(s);
    auto slots = static_cast<uint32_t>(shared_store_entries(config));
    auto value_bytes = static_cast<uint32_t>(shared_store_value_bytes(config));
    if (geometry(slots, value_bytes).total_bytes > kMaxSegmentBytes) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                     SSOLOGNO(00061) "SSOAuthSharedStoreEntries %u x SSOAuthSharedStoreValueBytes %u needs more "
                                     "than 4 GiB of shared memory; lower one of them",
                     slots, value_bytes);
        return HTTP_INTERNAL_SERVER_ERROR;
    }

    // The segment and mutex live in the process pool: a restart (graceful or
    // not) re-attaches to them, so old and new children share one table.
    apr_pool_t* process_pool = s->process->pool;
    void* data = nullptr;
    apr_pool_userdata_get(&data, kUserdataKey, process_pool);
    auto* persistent = static_cast<Persistent*>(data);
    if (!persistent || !fits(persistent, slots, value_bytes)) {
        auto* created = static_cast<Persistent*>(apr_pcalloc(process_pool, sizeof(Persistent)));
        if (persistent) {
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                         SSOLOGNO(00066) "shared store resized to %u entries of %u bytes: starting an empty one",
                         slots, value_bytes);
            created->generation = persistent->generation + 1;
        }
        if (int status = create_segment(s, process_pool, slots, value_bytes, created)) return status;
        // Children of the previous generation keep their own mapping of the old
        // segment, so the parent's can go; their mutex is deliberately kept.
        if (persistent) apr_shm_destroy(persistent->shm);
        persistent = created;
        apr_pool_userdata_set(persistent, kUserdataKey, apr_pool_cleanup_null, process_pool);
    } else {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s,
                     SSOLOGNO(00065) "shared store kept across the restart: %u entries of up to %u bytes", slots,
                     value_bytes);
    }

    g_store = std::make_shared<ShmStore>(header_of(persistent->shm), persistent->mutex, s);
    // This generation's handle goes with its configuration.
    apr_pool_cleanup_register(pconf, nullptr, forget_store, apr_pool_cleanup_null);
    return OK;
}

}  // namespace

int shm_store_pre_config(apr_pool_t* pconf, apr_pool_t*, apr_pool_t*) {
    apr_status_t rv = ap_mutex_register(pconf, kMutexType, nullptr, APR_LOCK_DEFAULT, 0);
    if (rv != APR_SUCCESS) {
        ap_log_perror(APLOG_MARK, APLOG_CRIT, rv, pconf,
                      SSOLOGNO(00060) "cannot register the mutex type %s", kMutexType);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

int shm_store_post_config(apr_pool_t* pconf, apr_pool_t*, apr_pool_t*, server_rec* s) {
    try {
        return post_config_unsafe(pconf, s);
    } catch (const std::exception& e) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SSOLOGNO(00071) "cannot set up the shared store: %s", e.what());
        return HTTP_INTERNAL_SERVER_ERROR;
    }
}

void shm_store_child_init(apr_pool_t* pchild, server_rec* s) {
    if (!g_store) return;
    apr_global_mutex_t* mutex = g_store->mutex();
    apr_status_t rv = apr_global_mutex_child_init(&mutex, apr_global_mutex_lockfile(mutex), pchild);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     SSOLOGNO(00068) "cannot attach to the shared store's mutex %s in this child", kMutexType);
        return;
    }
    g_store->set_mutex(mutex);
}

std::shared_ptr<SharedStore> shared_store() { return g_store; }

}  // namespace httpd
}  // namespace ssoauth
