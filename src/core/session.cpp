#include "core/session.h"

#include "core/claims.h"
#include "core/compress.h"

#include <mutex>

namespace ssoauth {

namespace {

// Sealed-text framing: 'z' + the zlib stream of the JSON, or the JSON itself
// (which starts with '{'), whichever is smaller.
const char kDeflated = 'z';
// Inflating stops here: no stream, whatever it claims, makes it allocate more.
constexpr size_t kMaxSessionJsonBytes = 65536;

int64_t integer_member(const json_t* object, const char* key) {
    const json_t* v = json_object_get(object, key);
    return json_is_integer(v) ? static_cast<int64_t>(json_integer_value(v)) : 0;
}

}  // namespace

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

std::string Session::claim_text(const std::string& name) const {
    return claim_value_text(json_object_get(claims.get(), name.c_str()));
}

}  // namespace ssoauth
