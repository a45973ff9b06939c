// The <base>/session document: what the browser's script learns about the
// signed-in user (SSOAuth.getSession() in client.js resolves to it).
#pragma once

#include "core/session.h"

#include <cstdint>
#include <string>

namespace ssoauth {

// "2026-11-27T15:04:05.000Z" (what JavaScript's toISOString() gives).
std::string iso8601_utc(int64_t seconds);

// The <base>/session document, keys in this order:
// {"user":{"id","email","name","role","emailVerified"},"expires":"<ISO 8601>"},
// or {"user":null} without a session. `role` defaults to "user".
// Not checked: whether the session is still valid (the caller opened it).
std::string session_endpoint_json(const Session* session);

}  // namespace ssoauth
