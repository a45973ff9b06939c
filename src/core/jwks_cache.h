// The provider's signing keys (JWKS), fetched over HTTP and cached for all
// threads of the process. One cache per provider.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/http_client.h"
#include "core/jwk.h"

namespace ssoauth {

class JwksCache {
public:
    // default_ttl: lifetime of a fetched set when the response has no
    // Cache-Control max-age. min_refetch_interval: the least time between two
    // fetches triggered by an unknown kid, and between retries after a failed fetch.
    JwksCache(std::shared_ptr<HttpClient> http, int64_t default_ttl = 3600, int64_t min_refetch_interval = 10);
    JwksCache(const JwksCache&) = delete;
    JwksCache& operator=(const JwksCache&) = delete;

    // The keys published at jwks_uri. `now` is in seconds, supplied by the caller.
    // - Fresh keys come from the cache without I/O. A set is fresh for the
    //   response's Cache-Control max-age (clamped to [min_refetch_interval, 1 day]),
    //   else default_ttl.
    // - Otherwise one thread fetches while concurrent callers wait and share the result.
    // - When the fetch fails (no answer, non-2xx, not a JWKS, no usable key),
    //   the last good set is returned and *error notes that it is stale; with
    //   no good set, null is returned with the reason in *error. After a failure,
    //   no new fetch is tried for min_refetch_interval.
    // A non-null result is usable; *error (optional) is "" when the set is fresh.
    // A jwks_uri different from the previous call's empties the cache first.
    std::shared_ptr<const JwkSet> get(const std::string& jwks_uri, int64_t now, std::string* error);

    // For a token whose kid is not in the set: when the current set lacks `kid`
    // and no fetch of any kind happened in the last min_refetch_interval seconds
    // (across all threads), fetch again. Returns the current set either way
    // (the caller looks the kid up again); error as for get().
    std::shared_ptr<const JwkSet> refetch_for_unknown_kid(const std::string& jwks_uri, const std::string& kid,
                                                          int64_t now, std::string* error);

    // Fetches attempted so far (for tests and diagnostics).
    uint64_t fetch_count() const;

private:
    struct Fetched;
    void switch_uri(const std::string& jwks_uri);
    std::shared_ptr<const JwkSet> fetch_locked(std::unique_lock<std::mutex>& lock, int64_t now, std::string* error);
    std::shared_ptr<const JwkSet> current(int64_t now, std::string* error) const;

    const std::shared_ptr<HttpClient> http_;
    const int64_t default_ttl_;
    const int64_t min_refetch_interval_;

    mutable std::mutex mutex_;
    std::condition_variable fetched_;
    bool fetching_ = false;
    uint64_t fetch_count_ = 0;
    uint64_t generation_ = 0;  // bumped when jwks_uri changes, so a late fetch for the old URI is dropped
    std::string uri_;
    std::shared_ptr<const JwkSet> keys_;
    int64_t expires_at_ = 0;
    bool attempted_ = false;  // a fetch for uri_ was attempted
    int64_t attempted_at_ = 0;
    bool failed_ = false;     // the latest fetch for uri_ failed
    std::string failure_;
};

}  // namespace ssoauth
