// The process-local SharedStore: a mutex around a hash map. Used by the unit
// tests and as the reference for what the shared-memory store must do.
#include "core/shared_store.h"

#include <mutex>
#include <unordered_map>
#include <utility>

namespace ssoauth {

namespace {

class MemoryStore final : public SharedStore {
public:
    MemoryStore(size_t max_entries, size_t max_value_bytes)
        : max_entries_(max_entries), max_value_bytes_(max_value_bytes) {}

    bool put(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) override {
        if (value.size() > max_value_bytes_) return false;
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end()) {
            if (!make_room(now)) return false;
            entries_.emplace(key, Entry{value, expires_at});
        } else {
            it->second = Entry{value, expires_at};
        }
        return true;
    }

    bool add(const std::string& key, const std::string& value, int64_t expires_at, int64_t now) override {
        if (value.size() > max_value_bytes_) return false;
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = entries_.find(key);
        if (it != entries_.end()) {
            if (live(it->second, now)) return false;
            it->second = Entry{value, expires_at};
            return true;
        }
        if (!make_room(now)) return false;
        entries_.emplace(key, Entry{value, expires_at});
        return true;
    }

    // Never Unavailable: a process-local map is always readable.
    StoreLookup lookup(const std::string& key, int64_t now) override {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end()) return {};
        if (!live(it->second, now)) {
            entries_.erase(it);
            return {};
        }
        return {LookupStatus::Found, it->second.value};
    }

    void remove(const std::string& key) override {
        std::lock_guard<std::mutex> lock(mutex_);
        entries_.erase(key);
    }

    size_t max_value_bytes() const override { return max_value_bytes_; }

private:
    struct Entry {
        std::string value;
        int64_t expires_at;
    };

    // An entry is live until its expiry second: live while now < expires_at.
    static bool live(const Entry& e, int64_t now) { return now < e.expires_at; }

    // Room for one more key: drops expired entries when the map is full.
    bool make_room(int64_t now) {
        if (entries_.size() < max_entries_) return true;
        for (auto it = entries_.begin(); it != entries_.end();) {
            if (live(it->second, now)) ++it;
            else it = entries_.erase(it);
        }
        return entries_.size() < max_entries_;
    }

    const size_t max_entries_;
    const size_t max_value_bytes_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace

std::shared_ptr<SharedStore> make_memory_store(size_t max_entries, size_t max_value_bytes) {
    return std::make_shared<MemoryStore>(max_entries, max_value_bytes);
}

}  // namespace ssoauth
