#include "core/session.h"

#include "core/claims.h"
#include "core/compress.h"

#include <cstdlib>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <ctime>

namespace ssoauth {

namespace {

// The first cookie value of a chunked session says how many chunks follow.
const char kChunkMarker[] = "chunks.";  // never a sealed value: base64url has no '.'

int64_t integer_member(const json_t* object, const char* key) {
    const json_t* v = json_object_get(object, key);
    return json_is_integer(v) ? static_cast<int64_t>(json_integer_value(v)) : 0;
}

std::string chunk_name(const std::string& base, size_t index) { return base + "_" + std::to_string(index); }

}  // namespace

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

std::string Session::to_json() const {
    JsonPtr doc(json_object());
    json_object_set_new(doc.get(), "v", json_integer(1));
    json_object_set_new(doc.get(), "iss", json_string(issuer.c_str()));
    json_object_set_new(doc.get(), "cid", json_string(client_id.c_str()));
    json_object_set_new(doc.get(), "sub", json_string(subject.c_str()));
    if (!sid.empty()) json_object_set_new(doc.get(), "sid", json_string(sid.c_str()));
    json_object_set_new(doc.get(), "claims", claims ? json_incref(claims.get()) : json_object());
    json_object_set_new(doc.get(), "idt", json_string(id_token.c_str()));
    json_object_set_new(doc.get(), "at", json_string(access_token.c_str()));
    if (!refresh_token.empty()) json_object_set_new(doc.get(), "rt", json_string(refresh_token.c_str()));
    json_object_set_new(doc.get(), "at_exp", json_integer(access_token_expires_at));
    json_object_set_new(doc.get(), "iat", json_integer(created_at));
    json_object_set_new(doc.get(), "exp", json_integer(expires_at));
    if (last_seen) json_object_set_new(doc.get(), "seen", json_integer(last_seen));
    return json_dump(doc.get());
}

struct Session::ExportMemo {
    std::mutex mutex;
    std::vector<std::pair<std::string, std::shared_ptr<const IdentityExport>>> entries;
};

std::shared_ptr<Session::ExportMemo> Session::make_memo() { return std::make_shared<ExportMemo>(); }

std::shared_ptr<const IdentityExport> Session::identity_export(const std::string& key,
                                                               const std::function<IdentityExport()>& make) const {
    std::lock_guard<std::mutex> lock(memo_->mutex);
    for (const auto& entry : memo_->entries)
        if (entry.first == key) return entry.second;
    auto made = std::make_shared<const IdentityExport>(make());
    if (memo_->entries.size() < 8) memo_->entries.emplace_back(key, made);  // a few configurations at most
    return made;
}

namespace {
const char kDeflated = 'z';                  // plaintext format: 'z' + zlib stream of the JSON
constexpr size_t kMaxSessionJsonBytes = 65536;  // inflating stops here
}  // namespace

std::string Session::to_sealed_text() const {
    const std::string json = to_json();
    const std::string packed = deflate_bytes(json);
    return packed.empty() || packed.size() + 1 >= json.size() ? json : kDeflated + packed;
}

std::optional<Session> Session::from_sealed_text(const std::string& text) {
    if (text.empty() || text[0] != kDeflated) return from_json(text);
    auto json = inflate_bytes(text.substr(1), kMaxSessionJsonBytes);
    return json ? from_json(*json) : std::nullopt;
}

Session Session::clone() const {
    Session s;
    s.issuer = issuer;
    s.client_id = client_id;
    s.subject = subject;
    s.sid = sid;
    s.claims = JsonPtr(claims ? json_deep_copy(claims.get()) : json_object());
    s.id_token = id_token;
    s.access_token = access_token;
    s.refresh_token = refresh_token;
    s.access_token_expires_at = access_token_expires_at;
    s.created_at = created_at;
    s.expires_at = expires_at;
    s.last_seen = last_seen;
    return s;
}

std::optional<Session> Session::from_json(const std::string& text) {
    JsonPtr doc = json_parse(text);
    if (!doc || !json_is_object(doc.get()) || integer_member(doc.get(), "v") != 1) return std::nullopt;
    Session s;
    s.issuer = json_string_member(doc.get(), "iss");
    s.client_id = json_string_member(doc.get(), "cid");
    s.subject = json_string_member(doc.get(), "sub");
    s.sid = json_string_member(doc.get(), "sid");
    json_t* claims = json_object_get(doc.get(), "claims");
    if (!json_is_object(claims) || s.subject.empty()) return std::nullopt;
    s.claims = JsonPtr(json_incref(claims));
    s.id_token = json_string_member(doc.get(), "idt");
    s.access_token = json_string_member(doc.get(), "at");
    s.refresh_token = json_string_member(doc.get(), "rt");
    s.access_token_expires_at = integer_member(doc.get(), "at_exp");
    s.created_at = integer_member(doc.get(), "iat");
    s.expires_at = integer_member(doc.get(), "exp");
    s.last_seen = integer_member(doc.get(), "seen");
    return s;
}

std::string Session::claim_text(const std::string& name) const {
    return claim_value_text(json_object_get(claims.get(), name.c_str()));
}

std::string iso8601_utc(int64_t seconds) {
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    return buffer;
}

std::string session_endpoint_json(const Session* session) {
    JsonPtr doc(json_object());
    if (!session) {
        json_object_set_new(doc.get(), "user", json_null());
        return json_dump(doc.get(), false);
    }
    auto string_or_null = [&](const char* claim) {
        const json_t* v = json_object_get(session->claims.get(), claim);
        return json_is_string(v) ? json_string(json_string_value(v)) : json_null();
    };
    json_t* user = json_object();
    json_object_set_new(user, "id", json_string(session->subject.c_str()));
    json_object_set_new(user, "email", string_or_null("email"));
    json_object_set_new(user, "name", string_or_null("name"));
    const json_t* role = json_object_get(session->claims.get(), "role");
    json_object_set_new(user, "role", json_string(json_is_string(role) ? json_string_value(role) : "user"));
    json_object_set_new(user, "emailVerified", json_boolean(json_is_true(json_object_get(session->claims.get(), "email_verified"))));
    json_object_set_new(doc.get(), "user", user);
    json_object_set_new(doc.get(), "expires", json_string(iso8601_utc(session->expires_at).c_str()));
    return json_dump(doc.get(), false);
}

CookieMap parse_cookie_header(const std::string& header) {
    CookieMap cookies;
    size_t pos = 0;
    while (pos < header.size()) {
        size_t end = header.find(';', pos);
        if (end == std::string::npos) end = header.size();
        std::string pair = header.substr(pos, end - pos);
        size_t eq = pair.find('=');
        if (eq != std::string::npos) {
            size_t b = pair.find_first_not_of(" \t");
            size_t e = pair.find_last_not_of(" \t", eq - 1);
            if (b != std::string::npos && e != std::string::npos && b <= e) {
                std::string name = pair.substr(b, e - b + 1);
                std::string value = pair.substr(eq + 1);
                size_t vb = value.find_first_not_of(" \t");
                size_t ve = value.find_last_not_of(" \t");
                value = vb == std::string::npos ? std::string() : value.substr(vb, ve - vb + 1);
                if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                    value = value.substr(1, value.size() - 2);
                cookies.emplace(name, value);  // first occurrence wins
            }
        }
        pos = end + 1;
    }
    return cookies;
}

std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) {
    // Same reading as parse_cookie_header, without building the whole map or copying.
    auto not_blank = [&](size_t from) {
        while (from < header.size() && (header[from] == ' ' || header[from] == '\t')) ++from;
        return from;
    };
    size_t pos = 0;
    while (pos < header.size()) {
        size_t end = header.find(';', pos);
        if (end == std::string_view::npos) end = header.size();
        size_t b = not_blank(pos);
        if (b < end && header.compare(b, name.size(), name) == 0) {
            size_t after = not_blank(b + name.size());
            if (after < end && header[after] == '=') {
                size_t vb = not_blank(after + 1), ve = end;
                while (ve > vb && (header[ve - 1] == ' ' || header[ve - 1] == '\t')) --ve;
                std::string_view value = header.substr(vb, ve - vb);
                if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                    value = value.substr(1, value.size() - 2);
                return value;
            }
        }
        pos = end + 1;
    }
    return std::nullopt;
}

std::string set_cookie_header(const std::string& name, const std::string& value,
                              const CookieSettings& settings, long max_age) {
    std::string h = name + "=" + value + "; Path=/";
    if (max_age == 0)
        h += "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    else if (max_age > 0)
        h += "; Max-Age=" + std::to_string(max_age);
    h += "; HttpOnly";
    // SameSite=None is only honoured on Secure cookies.
    if (settings.secure || settings.same_site == "None") h += "; Secure";
    h += "; SameSite=" + settings.same_site;
    return h;
}

std::string session_cookie_name(const CookieSettings& settings) { return settings.prefix + "_session"; }

std::vector<std::string> write_session_cookies(const std::string& sealed, const CookieSettings& settings,
                                               const CookieMap& request_cookies) {
    const std::string base = session_cookie_name(settings);
    std::vector<std::string> chunks = split_cookie_chunks(sealed);
    std::vector<std::string> headers;
    if (chunks.empty()) return headers;
    if (chunks.size() == 1) {
        headers.push_back(set_cookie_header(base, chunks[0], settings, -1));
    } else {
        headers.push_back(set_cookie_header(base, kChunkMarker + std::to_string(chunks.size()), settings, -1));
        for (size_t i = 0; i < chunks.size(); ++i)
            headers.push_back(set_cookie_header(chunk_name(base, i), chunks[i], settings, -1));
    }
    // Delete chunks a larger, earlier session left behind.
    size_t keep = chunks.size() == 1 ? 0 : chunks.size();
    for (size_t i = keep; i < kMaxCookieChunks; ++i)
        if (request_cookies.count(chunk_name(base, i)))
            headers.push_back(set_cookie_header(chunk_name(base, i), "", settings, 0));
    return headers;
}

std::optional<std::string> read_session_cookie(const CookieMap& request_cookies, const CookieSettings& settings) {
    const std::string base = session_cookie_name(settings);
    auto it = request_cookies.find(base);
    if (it == request_cookies.end() || it->second.empty()) return std::nullopt;
    const std::string& value = it->second;
    if (value.compare(0, sizeof(kChunkMarker) - 1, kChunkMarker) != 0) return value;
    long count = std::strtol(value.c_str() + sizeof(kChunkMarker) - 1, nullptr, 10);
    if (count < 2 || count > static_cast<long>(kMaxCookieChunks)) return std::string();  // opens as garbage
    std::string joined;
    for (long i = 0; i < count; ++i) {
        auto chunk = request_cookies.find(chunk_name(base, static_cast<size_t>(i)));
        if (chunk == request_cookies.end()) return std::string();  // a missing chunk: undecryptable
        joined += chunk->second;
    }
    return joined;
}

std::vector<std::string> clear_session_cookies(const CookieMap& request_cookies, const CookieSettings& settings) {
    const std::string base = session_cookie_name(settings);
    std::vector<std::string> headers;
    if (request_cookies.count(base)) headers.push_back(set_cookie_header(base, "", settings, 0));
    for (size_t i = 0; i < kMaxCookieChunks; ++i)
        if (request_cookies.count(chunk_name(base, i)))
            headers.push_back(set_cookie_header(chunk_name(base, i), "", settings, 0));
    return headers;
}

namespace {

// The per-process cache of opened sessions (see open_session in session.h).
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
        std::lock_guard<std::mutex> lock(mutex_);
        if (entries_.size() >= kMaxEntries) {
            for (auto it = entries_.begin(); it != entries_.end();)
                it = it->second.session->expires_at <= now ? entries_.erase(it) : std::next(it);
            if (entries_.size() >= kMaxEntries) entries_.clear();
        }
        entries_.erase(key);
        entries_.emplace(key, Entry{std::move(owned), sealer, name, std::move(session)});
    }
    size_t size() {
        std::lock_guard<std::mutex> lock(mutex_);
        return entries_.size();
    }

private:
    static constexpr size_t kMaxEntries = 1024;  // a few MiB per process at most
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
    };
    std::mutex mutex_;
    std::unordered_map<std::string_view, Entry, TailHash> entries_;
};

OpenedSessions& opened_sessions() {
    static OpenedSessions* cache = new OpenedSessions();  // never destroyed: used until the process exits
    return *cache;
}

}  // namespace

size_t cached_session_count() { return opened_sessions().size(); }

namespace {
SessionStatus open_sealed(std::string_view sealed, const std::string& name, const CookieSealer& sealer,
                          const std::string& issuer, const std::string& client_id, int64_t now, SessionPtr* out) {
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
                           const CookieSealer& sealer, const std::string& issuer,
                           const std::string& client_id, int64_t now, SessionPtr* out) {
    auto sealed = read_session_cookie(request_cookies, settings);
    if (!sealed) return SessionStatus::Absent;
    return open_sealed(*sealed, session_cookie_name(settings), sealer, issuer, client_id, now, out);
}

SessionStatus open_session_from_header(std::string_view cookie_header, const CookieSettings& settings,
                                       const CookieSealer& sealer, const std::string& issuer,
                                       const std::string& client_id, int64_t now, SessionPtr* out) {
    const std::string name = session_cookie_name(settings);
    auto sealed = find_cookie(cookie_header, name);
    if (!sealed || sealed->empty()) return SessionStatus::Absent;
    if (sealed->compare(0, sizeof(kChunkMarker) - 1, kChunkMarker) == 0)  // chunks: the full reading
        return open_session(parse_cookie_header(std::string(cookie_header)), settings, sealer, issuer, client_id,
                            now, out);
    return open_sealed(*sealed, name, sealer, issuer, client_id, now, out);
}

SessionStatus open_session(const CookieMap& request_cookies, const CookieSettings& settings,
                           const CookieSealer& sealer, const std::string& issuer,
                           const std::string& client_id, int64_t now, Session* out) {
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
