// The shared-memory SharedStore's httpd side: the APR segment, the
// "ssoauth-store" global mutex, restart survival and the log lines. The
// table itself (layout, probing, compaction, read hints) is core/shm_table.
// See shm_store.h for the lifetime.
#include "core/digest.h"
#include "httpd/shm_store.h"
#include "httpd/config.h"

#include <stdexcept>

#include <apr_global_mutex.h>
#include <apr_shm.h>
#include <util_mutex.h>

#include "core/shm_table.h"
#include "httpd/log.h"

namespace ssoauth {
namespace httpd {

namespace {

constexpr const char* kMutexType = "ssoauth-store";
constexpr const char* kUserdataKey = "ssoauth-shm-store";

// What survives a restart, in the process pool (the DSO itself is unloaded
// and reloaded, so nothing here may point into it).
struct Persistent {
    apr_shm_t* shm;
    apr_global_mutex_t* mutex;
    unsigned generation;  // 0, then +1 at each resize: names the mutex instance
};

// The global mutex as the table's lock. A failure is logged here, where
// APR's reason is known; the table then fails the operation closed.
class GlobalMutexLock final : public ShmTableLock {
public:
    GlobalMutexLock(apr_global_mutex_t* mutex, server_rec* s) : mutex_(mutex), s_(s) {}

    bool lock() override {
        apr_status_t rv = apr_global_mutex_lock(mutex_);
        if (rv == APR_SUCCESS) return true;
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s_, SSOLOGNO(00069) "cannot lock the shared store (mutex %s)",
                     kMutexType);
        return false;
    }
    void unlock() override { apr_global_mutex_unlock(mutex_); }

    // child_init may hand back a new mutex handle; called before any worker thread.
    void set_mutex(apr_global_mutex_t* mutex) { mutex_ = mutex; }
    apr_global_mutex_t* mutex() const { return mutex_; }

private:
    apr_global_mutex_t* mutex_;
    server_rec* s_;
};

class ErrorLogEvents final : public ShmTableEvents {
public:
    explicit ErrorLogEvents(server_rec* s) : s_(s) {}

    void table_full(uint32_t slot_count) override {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s_,
                     SSOLOGNO(00070) "shared store: no free slot for a new entry (%u slots, all live near its "
                     "position); raise SSOAuthSharedStoreEntries",
                     slot_count);
    }
    void digest_failed() override {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s_, SSOLOGNO(00072) "shared store: SHA-256 failed");
    }

private:
    server_rec* s_;
};

// This process's handle on the table, with the lock and the log it was given.
struct ProcessStore {
    ProcessStore(apr_global_mutex_t* mutex, server_rec* s) : lock(mutex, s), events(s) {}
    GlobalMutexLock lock;
    ErrorLogEvents events;
    std::unique_ptr<ShmTable> table;
};

// The process's store. Written only by post_config (parent, single-threaded)
// and child_init (before worker threads), read by request threads.
// g_store shares ownership of *g_process and points at its table.
std::shared_ptr<SharedStore> g_store;
ProcessStore* g_process = nullptr;

apr_status_t forget_store(void*) {
    g_store.reset();
    g_process = nullptr;
    return APR_SUCCESS;
}

void* base_of(const Persistent* p) { return apr_shm_baseaddr_get(p->shm); }
size_t size_of(const Persistent* p) { return static_cast<size_t>(apr_shm_size_get(p->shm)); }

int create_segment(server_rec* s, apr_pool_t* pool, uint32_t slots, uint32_t value_bytes, Persistent* out) {
    // A resized store gets a mutex of its own: the previous one (and, for
    // file-based mechanisms, its file) stays with the previous generation.
    const char* instance = out->generation ? apr_psprintf(pool, "%u", out->generation) : nullptr;
    const uint64_t bytes = ShmTable::region_bytes(slots, value_bytes);
    apr_status_t rv = apr_shm_create(&out->shm, static_cast<apr_size_t>(bytes), nullptr, pool);
    if (rv == APR_SUCCESS && !ShmTable::format(base_of(out), size_of(out), slots, value_bytes)) {
        apr_shm_destroy(out->shm);  // a segment the table cannot be laid over counts as not created
        rv = APR_EINVAL;
    }
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     SSOLOGNO(00062) "cannot create the shared store: %" APR_UINT64_T_FMT
                                     " bytes of anonymous shared memory (SSOAuthSharedStoreEntries %u, "
                                     "SSOAuthSharedStoreValueBytes %u)",
                     bytes, slots, value_bytes);
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
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 SSOLOGNO(00067) "shared store created: %u entries of up to %u bytes, %" APR_UINT64_T_FMT
                                 " KiB, mutex %s (%s)",
                 slots, value_bytes, bytes / 1024, kMutexType, apr_global_mutex_name(out->mutex));
    return OK;
}

// Makes `persistent`'s table this generation's store.
void attach_process_store(apr_pool_t* pconf, server_rec* s, const Persistent* persistent) {
    auto process = std::make_shared<ProcessStore>(persistent->mutex, s);
    process->table = ShmTable::attach(base_of(persistent), size_of(persistent), process->lock, &process->events);
    if (!process->table) throw std::runtime_error("the shared memory segment holds no usable table");
    g_process = process.get();
    g_store = std::shared_ptr<SharedStore>(process, process->table.get());
    // This generation's handle goes with its configuration.
    apr_pool_cleanup_register(pconf, nullptr, forget_store, apr_pool_cleanup_null);
}

int post_config_unsafe(apr_pool_t* pconf, server_rec* s) {
    const ServerConfig* config = server_config(s);
    auto slots = static_cast<uint32_t>(shared_store_entries(config));
    auto value_bytes = static_cast<uint32_t>(shared_store_value_bytes(config));
    if (ShmTable::region_bytes(slots, value_bytes) > ShmTable::kMaxRegionBytes) {
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
    if (!persistent || !ShmTable::holds(base_of(persistent), size_of(persistent), slots, value_bytes)) {
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

    attach_process_store(pconf, s, persistent);
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
    if (!g_process) return;
    apr_global_mutex_t* mutex = g_process->lock.mutex();
    apr_status_t rv = apr_global_mutex_child_init(&mutex, apr_global_mutex_lockfile(mutex), pchild);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     SSOLOGNO(00068) "cannot attach to the shared store's mutex %s in this child", kMutexType);
        return;
    }
    g_process->lock.set_mutex(mutex);
}

std::shared_ptr<SharedStore> shared_store() { return g_store; }

}  // namespace httpd
}  // namespace ssoauth
