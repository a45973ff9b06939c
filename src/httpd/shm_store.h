// The production SharedStore: one table (core/shm_table) in anonymous shared
// memory, created by the parent in post_config and inherited by every child
// (prefork and event alike), guarded by the "ssoauth-store" global mutex
// (configurable with `Mutex <mechanism> ssoauth-store`). One store serves
// every virtual host; keys carry their own namespace ("rf:", "sid:", ...).
//
// The table outlives graceful restarts: it is kept in the process pool, so
// revoked sessions and pending refreshes survive a reload, and old and new
// children keep sharing one table and one lock. A restart that changes
// SSOAuthSharedStoreEntries or SSOAuthSharedStoreValueBytes starts a new,
// empty table.
#pragma once

#include "core/shared_store.h"

#include <memory>

#include "httpd/httpd_api.h"

namespace ssoauth {
namespace httpd {

// The hooks, registered in mod_ssoauth.cpp.
// pre_config: registers the "ssoauth-store" mutex type with httpd.
int shm_store_pre_config(apr_pool_t* pconf, apr_pool_t* plog, apr_pool_t* ptemp);
// post_config (parent): creates, or after a restart re-attaches, the table
// and its mutex. Fails startup when either cannot be created.
int shm_store_post_config(apr_pool_t* pconf, apr_pool_t* plog, apr_pool_t* ptemp, server_rec* s);
// child_init: re-opens the mutex in the child.
void shm_store_child_init(apr_pool_t* pchild, server_rec* s);

// This process's handle on the store; never null once post_config has
// succeeded. The handle is set only by the hooks above, which run before any
// worker thread exists, so any thread may call shared_store() and use the
// store concurrently: every operation takes the cross-process lock itself.
std::shared_ptr<SharedStore> shared_store();

}  // namespace httpd
}  // namespace ssoauth
