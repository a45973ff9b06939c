#include "core/session_document.h"

#include "core/json.h"

#include <ctime>

namespace ssoauth {

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

}  // namespace ssoauth
