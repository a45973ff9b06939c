#include "core/jwks_cache.h"

#include "core/text.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace ssoauth {

namespace {

constexpr int64_t kMaxTtlSeconds = 86400;

// The max-age of a Cache-Control value, or -1 when it has none.
int64_t max_age(const std::string& cache_control) {
    size_t pos = 0;
    while (pos <= cache_control.size()) {
        size_t end = cache_control.find(',', pos);
        if (end == std::string::npos) end = cache_control.size();
        std::string item = cache_control.substr(pos, end - pos);
        pos = end + 1;
        size_t eq = item.find('=');
        std::string name = item.substr(0, eq);
        name.erase(std::remove_if(name.begin(), name.end(), [](unsigned char c) { return std::isspace(c); }),
                   name.end());
        if (!iequals(name, "max-age") || eq == std::string::npos) continue;
        std::string value = item.substr(eq + 1);
        value.erase(std::remove_if(value.begin(), value.end(),
                                   [](unsigned char c) { return std::isspace(c) || c == '"'; }),
                    value.end());
        if (value.empty()) return -1;
        int64_t seconds = 0;
        for (char c : value) {
            if (c < '0' || c > '9') return -1;
            seconds = std::min<int64_t>(seconds * 10 + (c - '0'), kMaxTtlSeconds * 10);
        }
        return seconds;
    }
    return -1;
}

}  // namespace

JwksCache::JwksCache(std::shared_ptr<HttpClient> http, int64_t default_ttl, int64_t min_refetch_interval)
    : http_(std::move(http)), default_ttl_(default_ttl), min_refetch_interval_(min_refetch_interval) {}

uint64_t JwksCache::fetch_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return fetch_count_;
}

void JwksCache::switch_uri(const std::string& jwks_uri) {
    if (jwks_uri == uri_) return;
    uri_ = jwks_uri;
    ++generation_;
    keys_.reset();
    expires_at_ = 0;
    attempted_ = false;
    attempted_at_ = 0;
    failed_ = false;
    failure_.clear();
}

std::shared_ptr<const JwkSet> JwksCache::current(int64_t now, std::string* error) const {
    if (keys_) {
        if (error) *error = (failed_ && now >= expires_at_) ? "serving stale keys; " + failure_ : std::string();
        return keys_;
    }
    if (error) *error = failed_ ? failure_ : "no keys fetched from " + uri_;
    return nullptr;
}

std::shared_ptr<const JwkSet> JwksCache::fetch_locked(std::unique_lock<std::mutex>& lock, int64_t now,
                                                      std::string* error) {
    fetching_ = true;
    ++fetch_count_;
    attempted_ = true;
    attempted_at_ = now;
    const uint64_t generation = generation_;
    const std::string uri = uri_;
    lock.unlock();

    std::shared_ptr<const JwkSet> keys;
    int64_t ttl = default_ttl_;
    std::string failure;
    try {
        HttpRequest request;
        request.method = "GET";
        request.url = uri;
        request.headers.emplace_back("Accept", "application/jwk-set+json, application/json");
        HttpResponse response = http_->send(request);
        if (!response.transport_error.empty()) {
            failure = "JWKS fetch from " + uri + " failed: " + response.transport_error;
        } else if (!response.ok()) {
            failure = "JWKS fetch from " + uri + " answered HTTP " + std::to_string(response.status);
        } else {
            std::string parse_error;
            keys = JwkSet::parse(response.body, &parse_error);
            if (!keys) {
                failure = "JWKS from " + uri + " is unusable: " + parse_error;
            } else if (keys->size() == 0) {
                failure = "JWKS from " + uri + " has no usable signing key";
                keys.reset();
            } else {
                int64_t age = max_age(response.header("cache-control"));
                if (age >= 0) ttl = std::max(min_refetch_interval_, std::min(age, kMaxTtlSeconds));
            }
        }
    } catch (...) {  // only allocation failure can get here
        keys.reset();
        failure = "JWKS fetch from " + uri + " failed: out of memory";
    }

    lock.lock();
    fetching_ = false;
    fetched_.notify_all();
    if (generation == generation_) {  // still the URI this fetch was for
        if (keys) {
            keys_ = std::move(keys);
            expires_at_ = now + ttl;
            failed_ = false;
            failure_.clear();
        } else {
            failed_ = true;
            failure_ = std::move(failure);
        }
    }
    return current(now, error);
}

std::shared_ptr<const JwkSet> JwksCache::get(const std::string& jwks_uri, int64_t now, std::string* error) {
    std::unique_lock<std::mutex> lock(mutex_);
    switch_uri(jwks_uri);
    if (keys_ && now < expires_at_) return current(now, error);
    if (fetching_) {
        fetched_.wait(lock, [&] { return !fetching_; });
        switch_uri(jwks_uri);
        return current(now, error);
    }
    if (failed_ && attempted_ && now - attempted_at_ < min_refetch_interval_) return current(now, error);
    return fetch_locked(lock, now, error);
}

std::shared_ptr<const JwkSet> JwksCache::refetch_for_unknown_kid(const std::string& jwks_uri, const std::string& kid,
                                                                 int64_t now, std::string* error) {
    std::unique_lock<std::mutex> lock(mutex_);
    switch_uri(jwks_uri);
    if (keys_ && keys_->find(kid)) return current(now, error);  // another thread already fetched it
    if (fetching_) {
        fetched_.wait(lock, [&] { return !fetching_; });
        switch_uri(jwks_uri);
        return current(now, error);
    }
    if (attempted_ && now - attempted_at_ < min_refetch_interval_) return current(now, error);
    return fetch_locked(lock, now, error);
}

}  // namespace ssoauth
