// Logging for mod_ssoauth. Every call carries its own tag, SSOAUTH<number>,
// as httpd's APLOGNO does; docs/log-tags-next-number holds the next free one.
// Tokens, codes, verifiers and secrets are never logged, at any level.
#pragma once

#include "httpd/httpd_api.h"

#define SSOLOGNO(n) "SSOAUTH" #n ": "
