#include "core/claim_requirement.h"

#include "core/claims.h"
#include "core/json.h"

namespace ssoauth {

std::shared_ptr<const ClaimRequirement> ClaimRequirement::parse(const std::string& argument, std::string* error) {
    size_t at = argument.find_first_of(":~");
    if (at == std::string::npos || at == 0) {
        if (error) *error = "'" + argument + "' is not <claim>:<value> or <claim>~<regex>";
        return nullptr;
    }
    std::shared_ptr<ClaimRequirement> r(new ClaimRequirement());
    r->text_ = argument;
    r->claim_ = argument.substr(0, at);
    r->expected_ = argument.substr(at + 1);
    r->is_regex_ = argument[at] == '~';
    if (r->is_regex_) {
        try {
            r->regex_ = std::regex(r->expected_, std::regex::ECMAScript | std::regex::optimize);
        } catch (const std::regex_error& e) {
            if (error) *error = "invalid regular expression '" + r->expected_ + "': " + e.what();
            return nullptr;
        }
    }
    return r;
}

bool ClaimRequirement::matches_value(const std::string& value) const {
    return is_regex_ ? std::regex_search(value, regex_) : value == expected_;
}

bool ClaimRequirement::matches(const json_t* claims) const {
    const json_t* value = find_claim(claims, claim_);
    if (!value || json_is_null(value)) return false;
    if (json_is_array(value)) {
        size_t i;
        json_t* item;
        json_array_foreach(value, i, item) if (matches_value(claim_value_text(item))) return true;
        return false;
    }
    return matches_value(claim_value_text(value));
}

}  // namespace ssoauth
