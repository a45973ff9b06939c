// `Require sso-claim` arguments, parsed once at configuration time:
//   name:value   exact match (against one element when the claim is an array)
//   name~regex   RE2 regular expression, searched in the value text
//                (linear time, no recursion: a 60 KB claim value cannot
//                overflow the stack; no backreferences or lookaround, which
//                are refused at parse time)
// Names may be nested (`a.b`). Booleans and numbers match their JSON text.
#pragma once

#include <jansson.h>

#include <memory>
#include <string>

namespace re2 {
class RE2;
}

namespace ssoauth {

class ClaimRequirement {
public:
    // nullptr with *error on a malformed argument or an invalid regex.
    static std::shared_ptr<const ClaimRequirement> parse(const std::string& argument, std::string* error);

    bool matches(const json_t* claims) const;
    const std::string& claim() const { return claim_; }
    const std::string& text() const { return text_; }

private:
    ClaimRequirement() = default;
    bool matches_value(const std::string& value) const;

    std::string text_;   // the argument as written, for logs
    std::string claim_;
    std::string expected_;
    bool is_regex_ = false;
    std::shared_ptr<const re2::RE2> regex_;   // set when is_regex_
};

}  // namespace ssoauth
