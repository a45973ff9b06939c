#include "core/session_cache.h"

#include "core/session_cookies.h"

#include <ctime>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace ssoauth {

const char* session_status_name(SessionStatus status) {
    switch (status) {
        case SessionStatus::Ok: return "ok";
        case SessionStatus::Absent: return "absent";
        case SessionStatus::Undecryptable: return "undecryptable";
        case SessionStatus::Malformed: return "malformed";
        case SessionStatus::WrongClient: return "wrong_client";
        case SessionStatus::Expired: return "expired";
    }
    return "unknown";
}

namespace {

// The per-process cache of opened sessions (see session_cache.h).
// Looked up by a view into the request's own Cookie header: no copy of the
// sealed value on a hit.
class OpenedSessions {
public:
    SessionPtr find(uint64_t sealer, const std::string& name, std::string_view sealed) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = entries_.find(sealed);
        if (it == entries_.end() || it->second.sealer != sealer || it->second.name != name) return nullptr;
        return it->second.session;
    }
    void insert(uint64_t sealer, const std::string& name, std::string_view sealed, SessionPtr session,
                int64_t now) {
        auto owned = std::make_unique<const std::string>(sealed);
        const std::string_view key(*owned);  // points into the entry's own copy, which never moves
        const size_t cost = cost_of(sealed);
        if (cost > kMaxBytes) return;  // never cached: it would evict everything else
        std::lock_guard<std::mutex> lock(mutex_);
        erase(entries_.find(key));
        if (entries_.size() >= kMaxEntries || bytes_ + cost > kMaxBytes) {
            for (auto it = entries_.begin(); it != entries_.end();)
                it = it->second.session->expires_at <= now ? erase(it) : std::next(it);
            if (entries_.size() >= kMaxEntries || bytes_ + cost > kMaxBytes) {
                entries_.clear();
                bytes_ = 0;
            }
        }
        entries_.emplace(key, Entry{std::move(owned), sealer, name, std::move(session), cost});
        bytes_ += cost;
    }
    size_t size() {
        std::lock_guard<std::mutex> lock(mutex_);
        return entries_.size();
    }
    size_t bytes() {
        std::lock_guard<std::mutex> lock(mutex_);
        return bytes_;
    }

private:
    static constexpr size_t kMaxEntries = 1024;
    // The memory an entry holds, estimated from its sealed value: the copy of
    // that value, plus the session it opens to, whose inflated JSON and parsed
    // claims are a few times larger (deflate, then jansson's tree).
    static size_t cost_of(std::string_view sealed) { return sealed.size() * 8 + 512; }
    // About 11 KB an entry for a typical 1.3 KB cookie (the count binds), 256 KB
    // for the largest (8 chunks): at most 64 MiB however large the sessions.
    static constexpr size_t kMaxBytes = size_t(64) << 20;
    // A sealed value ends with its GCM tag: hashing the tail is enough to
    // spread entries, and equality is still checked on the whole value.
    struct TailHash {
        size_t operator()(std::string_view value) const {
            const size_t n = value.size() < 32 ? value.size() : 32;
            return std::hash<std::string_view>()(value.substr(value.size() - n));
        }
    };
    struct Entry {
        std::unique_ptr<const std::string> sealed;
        uint64_t sealer;
        std::string name;
        SessionPtr session;
        size_t cost;
    };
    using Map = std::unordered_map<std::string_view, Entry, TailHash>;
    Map::iterator erase(Map::iterator it) {  // callers hold mutex_
        if (it == entries_.end()) return it;
        bytes_ -= it->second.cost;
        return entries_.erase(it);
    }
    std::mutex mutex_;
    Map entries_;
    size_t bytes_ = 0;  // the estimated memory of every entry
};

OpenedSessions& opened_sessions() {
    static OpenedSessions* cache = new OpenedSessions();  // never destroyed: used until the process exits
    return *cache;
}

}  // namespace

size_t cached_session_count() { return opened_sessions().size(); }
size_t cached_session_bytes() { return opened_sessions().bytes(); }

namespace {
SessionStatus open_sealed(std::string_view sealed, const std::string& name, const CookieSealer& sealer,
                          std::string_view issuer, std::string_view client_id, int64_t now, SessionPtr* out) {
    SessionPtr session = opened_sessions().find(sealer.id(), name, sealed);
    if (!session) {
        auto plaintext = sealer.open(std::string(sealed), name);
        if (!plaintext) return SessionStatus::Undecryptable;
        auto parsed = Session::from_sealed_text(*plaintext);
        if (!parsed) return SessionStatus::Malformed;
        session = std::make_shared<const Session>(std::move(*parsed));
        opened_sessions().insert(sealer.id(), name, sealed, session, now);
    }
    if (session->issuer != issuer || session->client_id != client_id) return SessionStatus::WrongClient;
    if (session->expires_at != 0 && now >= session->expires_at) return SessionStatus::Expired;
    *out = std::move(session);
    return SessionStatus::Ok;
}
}  // namespace

SessionStatus open_session(const CookieMap& request_cookies, const CookieSettings& settings,
                           const CookieSealer& sealer, std::string_view issuer,
                           std::string_view client_id, int64_t now, SessionPtr* out) {
    auto sealed = read_session_cookie(request_cookies, settings);
    if (!sealed) return SessionStatus::Absent;
    return open_sealed(*sealed, session_cookie_name(settings), sealer, issuer, client_id, now, out);
}

SessionStatus open_session_from_header(std::string_view cookie_header, const CookieSettings& settings,
                                       const CookieSealer& sealer, std::string_view issuer,
                                       std::string_view client_id, int64_t now, SessionPtr* out) {
    const std::string name = session_cookie_name(settings);
    auto sealed = find_cookie(cookie_header, name);
    if (!sealed || sealed->empty()) return SessionStatus::Absent;
    if (is_chunk_marker(*sealed))  // chunks: the full reading
        return open_session(parse_cookie_header(cookie_header), settings, sealer, issuer, client_id, now, out);
    return open_sealed(*sealed, name, sealer, issuer, client_id, now, out);
}

SessionStatus open_session(const CookieMap& request_cookies, const CookieSettings& settings,
                           const CookieSealer& sealer, std::string_view issuer,
                           std::string_view client_id, int64_t now, Session* out) {
    SessionPtr session;
    SessionStatus status = open_session(request_cookies, settings, sealer, issuer, client_id, now, &session);
    if (status == SessionStatus::Ok) *out = session->clone();
    return status;
}

std::vector<std::string> seal_session(SessionPtr session, const CookieSettings& settings,
                                      const CookieSealer& sealer, const CookieMap& request_cookies) {
    const std::string name = session_cookie_name(settings);
    std::string sealed = sealer.seal(session->to_sealed_text(), name);
    if (sealed.empty()) return {};
    std::vector<std::string> headers = write_session_cookies(sealed, settings, request_cookies);
    // (Eviction only needs the wall clock; validity checks always take `now` from the caller.)
    if (!headers.empty())
        opened_sessions().insert(sealer.id(), name, sealed, std::move(session), static_cast<int64_t>(std::time(nullptr)));
    return headers;
}

std::vector<std::string> seal_session(const Session& session, const CookieSettings& settings,
                                      const CookieSealer& sealer, const CookieMap& request_cookies) {
    return seal_session(std::make_shared<const Session>(session.clone()), settings, sealer, request_cookies);
}

}  // namespace ssoauth
