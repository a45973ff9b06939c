#include "httpd/required_settings.h"
#include "httpd/validate.h"

#include "httpd/log.h"

#include <string>
#include <vector>

namespace ssoauth {
namespace httpd {

namespace {

std::string unquoted(const char* args) {
    std::string s = args ? args : "";
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
    return s;
}

unsigned settings_at(const ap_directive_t* first) {
    unsigned found = 0;
    for (const ap_directive_t* d = first; d; d = d->next) found |= setting_of(d->directive);
    return found;
}

bool is_virtual_host(const ap_directive_t* d) { return !strcasecmp(d->directive, "<VirtualHost"); }

// Walks one level of the tree with what enclosing levels provide; returns the number of problems.
int walk(const ap_directive_t* first, unsigned inherited, unsigned any_vhost, server_rec* s) {
    const unsigned here = inherited | settings_at(first);
    int problems = 0;
    for (const ap_directive_t* d = first; d; d = d->next) {
        const AuthTypeRequirement* req =
            !strcasecmp(d->directive, "AuthType") ? requirement_of(unquoted(d->args)) : nullptr;
        // A section of the main server also serves virtual hosts, which may bring the settings.
        const unsigned missing = req ? req->needed & ~(here | any_vhost) : 0;
        if (missing) {
            ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_ERR, 0, s,
                         SSOLOGNO(00004) "%s:%d: AuthType %s is used here, but no%s applies to it", d->filename,
                         d->line_num, req->auth_type, directive_names(missing).c_str());
            ++problems;
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
