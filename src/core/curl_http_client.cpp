#include "core/curl_http_client.h"

#include <curl/curl.h>

#include <cctype>
#include <climits>
#include <mutex>
#include <new>
#include <string>

namespace ssoauth {

namespace {

std::once_flag g_curl_once;
bool g_curl_ok = false;

// Owns the easy handle and the header list of one transfer.
struct Transfer {
    CURL* curl = nullptr;
    curl_slist* headers = nullptr;
    ~Transfer() {
        if (headers) curl_slist_free_all(headers);
        if (curl) curl_easy_cleanup(curl);
    }
};

struct Sink {
    HttpResponse* response;
    size_t max_body_bytes;
    bool body_too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    size_t n = size * count;
    if (n > sink->max_body_bytes - sink->response->body.size()) {
        sink->body_too_large = true;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    sink->response->body.append(data, n);
    return n;
}

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
    return s.substr(b, e - b);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    size_t n = size * count;
    std::string line(data, n);
    if (line.compare(0, 5, "HTTP/") == 0) {
        // A new status line: headers of any earlier (1xx, proxy CONNECT) response are not ours.
        sink->response->headers.clear();
        return n;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return n;  // blank line or folded junk
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    sink->response->headers.emplace_back(trim(name), trim(line.substr(colon + 1)));
    return n;
}

bool has_line_break(const std::string& s) {
    return s.find_first_of("\r\n") != std::string::npos;
}

HttpResponse failure(const std::string& message) {
    HttpResponse response;
    response.transport_error = message.empty() ? "transport failure" : message;
    return response;
}

class CurlHttpClient final : public HttpClient {
public:
    explicit CurlHttpClient(const HttpOptions& options) : options_(options) {}

    HttpResponse send(const HttpRequest& request) override {
        try {
            return perform(request);
        } catch (const std::bad_alloc&) {
            return failure("out of memory");
        }
    }

private:
    HttpResponse perform(const HttpRequest& request) {
        if (!curl_global_init_once()) return failure("curl_global_init failed");
        const bool post = request.method == "POST";
        if (!post && request.method != "GET") return failure("unsupported HTTP method");
        if (has_line_break(request.url) || has_line_break(request.content_type))
            return failure("line break in request URL or content type");

        Transfer t;
        t.curl = curl_easy_init();
        if (!t.curl) return failure("curl_easy_init failed");
        std::string error = request_headers(request, post, &t);
        if (!error.empty()) return failure(error);

        HttpResponse response;
        Sink sink{&response, options_.max_body_bytes};
        char error_buffer[CURL_ERROR_SIZE];
        error_buffer[0] = '\0';
        CURLcode rc = configure(t, request, post, &sink, error_buffer);
        if (rc != CURLE_OK) return failure(curl_easy_strerror(rc));

        rc = curl_easy_perform(t.curl);
        if (rc != CURLE_OK) {
            if (sink.body_too_large || rc == CURLE_FILESIZE_EXCEEDED)
                return failure("response body exceeds " + std::to_string(options_.max_body_bytes) +
                               " bytes");
            return failure(error_buffer[0] ? std::string(error_buffer) : curl_easy_strerror(rc));
        }
        long status = 0;
        curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &status);
        if (status == 0) return failure("no HTTP response");
        response.status = status;
        return response;
    }

    // The request's header lines; "" or why they cannot be sent.
    static std::string request_headers(const HttpRequest& request, bool post, Transfer* t) {
        for (const auto& h : request.headers) {
            if (h.first.empty() || has_line_break(h.first) || has_line_break(h.second))
                return "invalid request header";
            if (!append_header(t, h.first + ": " + h.second)) return "out of memory";
        }
        if (post && !request.content_type.empty() && !append_header(t, "Content-Type: " + request.content_type))
            return "out of memory";
        // No "Expect: 100-continue" round trip for POST bodies.
        if (post && !append_header(t, "Expect:")) return "out of memory";
        return std::string();
    }

    // Every option of the transfer: http(s) only, no redirects, the timeout
    // on connect and on the whole transfer, TLS verification, the body cap.
    CURLcode configure(const Transfer& t, const HttpRequest& request, bool post, Sink* sink,
                       char* error_buffer) const {
        CURL* c = t.curl;
        CURLcode rc = CURLE_OK;
        auto set = [&rc](CURLcode r) { if (rc == CURLE_OK) rc = r; };
        set(curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer));
        set(curl_easy_setopt(c, CURLOPT_URL, request.url.c_str()));
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
        set(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https"));
#else
        set(curl_easy_setopt(c, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS)));
#endif
        set(curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L));
        set(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L));
        set(curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, options_.timeout_ms));
        set(curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, options_.timeout_ms));
        set(curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L));
        set(curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L));
        if (!options_.ca_bundle.empty()) set(curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_bundle.c_str()));
        if (options_.max_body_bytes <= static_cast<size_t>(LLONG_MAX))
            set(curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_body_bytes)));
        set(curl_easy_setopt(c, CURLOPT_USERAGENT, "mod_ssoauth"));
        if (t.headers) set(curl_easy_setopt(c, CURLOPT_HTTPHEADER, t.headers));
        set(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body));
        set(curl_easy_setopt(c, CURLOPT_WRITEDATA, sink));
        set(curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header));
        set(curl_easy_setopt(c, CURLOPT_HEADERDATA, sink));
        if (post) {
            set(curl_easy_setopt(c, CURLOPT_POST, 1L));
            set(curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size())));
            set(curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str()));
        } else {
            set(curl_easy_setopt(c, CURLOPT_HTTPGET, 1L));
        }
        return rc;
    }

    static bool append_header(Transfer* t, const std::string& line) {
        curl_slist* next = curl_slist_append(t->headers, line.c_str());
        if (!next) return false;
        t->headers = next;
        return true;
    }

    const HttpOptions options_;
};

}  // namespace

bool curl_global_init_once() {
    std::call_once(g_curl_once, [] { g_curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
    return g_curl_ok;
}

std::shared_ptr<HttpClient> make_curl_http_client(const HttpOptions& options) {
    curl_global_init_once();
    return std::make_shared<CurlHttpClient>(options);
}

std::string url_encode(const std::string& value) {
    if (value.empty()) return std::string();
    if (value.size() > static_cast<size_t>(INT_MAX)) throw std::bad_alloc();
    // A NULL handle is allowed since libcurl 7.82. Keeps ALPHA DIGIT - . _ ~ as is.
    char* escaped = curl_easy_escape(nullptr, value.data(), static_cast<int>(value.size()));
    if (!escaped) throw std::bad_alloc();
    std::string out(escaped);
    curl_free(escaped);
    return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& field : fields) {
        if (!out.empty()) out += '&';
        out += url_encode(field.first);
        out += '=';
        out += url_encode(field.second);
    }
    return out;
}

}  // namespace ssoauth
