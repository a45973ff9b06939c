#include "core/claim_requirement.h"

#include "core/claims.h"
#include "core/json.h"

#include <re2/re2.h>

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
        // RE2 instead of std::regex: std::regex recursed once per character,
        // so a long claim value could overflow the stack of an httpd child.
        // Quiet: RE2 would print the error to stderr; it goes into *error.
        RE2::Options options;
        options.set_log_errors(false);
        auto regex = std::make_shared<const RE2>(r->expected_, options);
        if (!regex->ok()) {
            if (error) *error = "invalid regular expression '" + r->expected_ + "': " + regex->error();
            return nullptr;
        }
        r->regex_ = std::move(regex);
    }
    return r;
}

bool ClaimRequirement::matches_value(const std::string& value) const {
    return is_regex_ ? RE2::PartialMatch(value, *regex_) : value == expected_;
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
