#include "httpd/validate.h"

#include "httpd/log.h"

#include <string>
#include <vector>

namespace ssoauth {
namespace httpd {

namespace {

enum Setting : unsigned { kProvider = 1, kClientId = 2, kPassphrase = 4, kAudience = 8 };

struct Requirement {
    const char* auth_type;
    unsigned needed;
};
const Requirement kRequirements[] = {
    {"SSOAuth", kProvider | kClientId | kPassphrase},
    {"SSOAuthBearer", kProvider | kAudience},
};

unsigned setting_of(const ap_directive_t* d) {
    const char* name = d->directive;
    if (!strcasecmp(name, "SSOAuthProvider")) return kProvider;
    if (!strcasecmp(name, "SSOAuthClientID")) return kClientId;
    if (!strcasecmp(name, "SSOAuthCryptoPassphrase")) return kPassphrase;
    if (!strcasecmp(name, "SSOAuthBearerAudience")) return kAudience;
    return 0;
}

std::string unquoted(const char* args) {
    std::string s = args ? args : "";
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
    return s;
}

std::string names(unsigned missing) {
    std::string out;
    if (missing & kProvider) out += " SSOAuthProvider";
    if (missing & kClientId) out += " SSOAuthClientID";
    if (missing & kPassphrase) out += " SSOAuthCryptoPassphrase";
    if (missing & kAudience) out += " SSOAuthBearerAudience";
    return out;
}

unsigned settings_at(const ap_directive_t* first) {
    unsigned found = 0;
    for (const ap_directive_t* d = first; d; d = d->next) found |= setting_of(d);
    return found;
}

bool is_virtual_host(const ap_directive_t* d) { return !strcasecmp(d->directive, "<VirtualHost"); }

// Walks one level of the tree with what enclosing levels provide; returns the number of problems.
int walk(const ap_directive_t* first, unsigned inherited, unsigned any_vhost, server_rec* s) {
    const unsigned here = inherited | settings_at(first);
    int problems = 0;
    for (const ap_directive_t* d = first; d; d = d->next) {
        if (!strcasecmp(d->directive, "AuthType")) {
            const std::string type = unquoted(d->args);
            for (const Requirement& req : kRequirements) {
                if (strcasecmp(type.c_str(), req.auth_type) != 0) continue;
                // A section of the main server also serves virtual hosts, which may bring the settings.
                const unsigned missing = req.needed & ~(here | any_vhost);
                if (missing) {
                    ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_ERR, 0, s,
                                 SSOLOGNO(00004) "%s:%d: AuthType %s is used here, but no%s applies to it",
                                 d->filename, d->line_num, req.auth_type, names(missing).c_str());
                    ++problems;
                }
            }
        }
        if (d->first_child) problems += walk(d->first_child, here, is_virtual_host(d) ? 0 : any_vhost, s);
    }
    return problems;
}

}  // namespace

int check_config(apr_pool_t*, apr_pool_t*, apr_pool_t*, server_rec* s) {
    // What any virtual host provides at its top level (for main-server sections).
    unsigned any_vhost = ~0u;
    bool has_vhost = false;
    for (const ap_directive_t* d = ap_conftree; d; d = d->next)
        if (is_virtual_host(d)) {
            any_vhost &= settings_at(d->first_child);
            has_vhost = true;
        }
    if (!has_vhost) any_vhost = 0;
    const int problems = walk(ap_conftree, 0, any_vhost, s);
    if (problems == 0) return OK;
    ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_ERR, 0, s,
                 SSOLOGNO(00005) "mod_ssoauth: %d place%s in the configuration cannot authenticate", problems,
                 problems == 1 ? "" : "s");
    return HTTP_INTERNAL_SERVER_ERROR;
}

}  // namespace httpd
}  // namespace ssoauth
