// RAII ownership for jansson values. jansson does the parsing and printing.
#pragma once

#include <jansson.h>

#include <memory>
#include <string>

namespace ssoauth {

struct JsonDecref {
    void operator()(json_t* j) const noexcept { json_decref(j); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDecref>;

// Parses a JSON text; returns null on any error (the reason goes to *error when given).
JsonPtr json_parse(const std::string& text, std::string* error = nullptr);

// Compact serialisation, with sorted keys (stable output) unless `sort_keys` is
// false, which keeps the insertion order (for documents whose key order is a contract).
std::string json_dump(const json_t* value, bool sort_keys = true);

// The string member `key` of an object, or "" when absent or not a string.
std::string json_string_member(const json_t* object, const char* key);

}  // namespace ssoauth
