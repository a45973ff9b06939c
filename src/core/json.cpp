#include "core/json.h"

#include <cstdlib>

namespace ssoauth {

JsonPtr json_parse(const std::string& text, std::string* error) {
    json_error_t err;
    json_t* value = json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &err);
    if (!value && error) *error = err.text;
    return JsonPtr(value);
}

std::string json_dump(const json_t* value, bool sort_keys) {
    if (!value) return "null";
    char* text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | (sort_keys ? JSON_SORT_KEYS : JSON_PRESERVE_ORDER));
    if (!text) return "null";
    std::string out(text);
    std::free(text);
    return out;
}

std::string json_string_member(const json_t* object, const char* key) {
    const char* s = json_string_value(json_object_get(object, key));
    return s ? std::string(s) : std::string();
}

}  // namespace ssoauth
