// The production HttpClient's guarantees (curl_http_client.h), against a local
// server on 127.0.0.1 that answers every connection with canned bytes.
#include "core/curl_http_client.h"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

using namespace ssoauth;

namespace {

// Reads each request's head, then writes `reply` and closes; with
// `answer` false it writes nothing and holds the connection until destroyed.
class CannedServer {
public:
    explicit CannedServer(std::string reply, bool answer = true) : reply_(std::move(reply)), answer_(answer) {
        listener_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        BOOST_REQUIRE(listener_ >= 0);
        BOOST_REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        BOOST_REQUIRE(listen(listener_, 8) == 0);
        BOOST_REQUIRE(getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~CannedServer() {
        stop_ = true;
        thread_.join();
        close(listener_);
    }
    std::string url(const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    int connections() const { return connections_; }

private:
    bool readable(int fd) const {
        pollfd p{fd, POLLIN, 0};
        return poll(&p, 1, 20) > 0;
    }
    void serve() {
        while (!stop_) {
            if (!readable(listener_)) continue;
            int fd = accept(listener_, nullptr, nullptr);
            if (fd < 0) continue;
            ++connections_;
            std::string head;
            char buffer[4096];
            while (!stop_ && head.find("\r\n\r\n") == std::string::npos) {
                if (!readable(fd)) continue;
                ssize_t n = read(fd, buffer, sizeof buffer);
                if (n <= 0) break;
                head.append(buffer, static_cast<size_t>(n));
            }
            if (answer_) {
                (void)!write(fd, reply_.data(), reply_.size());
            } else {
                while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            close(fd);
        }
    }

    const std::string reply_;
    const bool answer_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<int> connections_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

HttpOptions options(size_t max_body_bytes = 1 << 20, long timeout_ms = 5000) {
    HttpOptions o;
    o.max_body_bytes = max_body_bytes;
    o.timeout_ms = timeout_ms;
    return o;
}

HttpResponse get(const std::string& url, const HttpOptions& o = options()) {
    HttpRequest request;
    request.url = url;
    return make_curl_http_client(o)->send(request);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(curl_http_client)

BOOST_AUTO_TEST_CASE(a_response_is_returned_with_its_status_body_and_lower_cased_header_names) {
    CannedServer server("HTTP/1.1 201 Created\r\nX-Answer:  Yes \r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    HttpResponse r = get(server.url());
    BOOST_TEST(r.transport_error == "");
    BOOST_TEST(r.status == 201);
    BOOST_TEST(r.body == "ok");
    BOOST_TEST(r.header("x-answer") == "Yes");
}

BOOST_AUTO_TEST_CASE(headers_of_an_interim_response_are_dropped) {
    CannedServer server("HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
                        "HTTP/1.1 200 OK\r\nX-Final: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    HttpResponse r = get(server.url());
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.header("x-interim") == "");
    BOOST_TEST(r.header("x-final") == "1");
}

BOOST_AUTO_TEST_CASE(a_redirect_is_returned_as_is_and_not_followed) {
    CannedServer server("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    HttpResponse r = get(server.url());
    BOOST_TEST(r.status == 302);
    BOOST_TEST(r.header("location") == "/elsewhere");
    BOOST_TEST(server.connections() == 1);
}

BOOST_AUTO_TEST_CASE(a_body_beyond_the_cap_is_a_transport_error_naming_the_cap_with_or_without_a_length) {
    const std::string body(4096, 'b');
    CannedServer announced("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n" + body);
    HttpResponse r = get(announced.url(), options(1000));
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.transport_error == "response body exceeds 1000 bytes");
    CannedServer unannounced("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body);
    r = get(unannounced.url(), options(1000));
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.transport_error == "response body exceeds 1000 bytes");
    BOOST_TEST(r.body.size() <= 1000u);
}

BOOST_AUTO_TEST_CASE(a_silent_server_is_a_transport_error_after_the_timeout) {
    CannedServer server("", false);
    const auto start = std::chrono::steady_clock::now();
    HttpResponse r = get(server.url(), options(1 << 20, 300));
    const auto elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.transport_error != "");
    BOOST_TEST(elapsed_ms < 3000);
}

BOOST_AUTO_TEST_CASE(a_line_break_in_the_url_a_header_or_the_content_type_is_refused_without_a_connection) {
    CannedServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    auto client = make_curl_http_client(options());
    HttpRequest request;
    request.url = server.url("/a\r\nX-Injected: 1");
    BOOST_TEST(client->send(request).transport_error == "line break in request URL or content type");
    request.url = server.url();
    request.headers = {{"X-A", "1\r\nX-Injected: 1"}};
    BOOST_TEST(client->send(request).transport_error == "invalid request header");
    request.headers = {{"", "1"}};
    BOOST_TEST(client->send(request).transport_error == "invalid request header");
    request.headers.clear();
    request.method = "POST";
    request.content_type = "text/plain\nX-Injected: 1";
    BOOST_TEST(client->send(request).transport_error == "line break in request URL or content type");
    BOOST_TEST(server.connections() == 0);
}

BOOST_AUTO_TEST_CASE(only_get_and_post_over_http_or_https_are_sent) {
    CannedServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    HttpRequest request;
    request.url = server.url();
    request.method = "PUT";
    BOOST_TEST(make_curl_http_client(options())->send(request).transport_error == "unsupported HTTP method");
    BOOST_TEST(server.connections() == 0);
    HttpResponse r = get("file:///etc/hostname");
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.transport_error != "");
    BOOST_TEST(r.body == "");
}

BOOST_AUTO_TEST_CASE(form_fields_are_percent_encoded_keeping_only_unreserved_characters) {
    BOOST_TEST(form_encode({{"a b", "c&d=e"}, {"k", "-._~"}, {"empty", ""}}) == "a%20b=c%26d%3De&k=-._~&empty=");
}

BOOST_AUTO_TEST_SUITE_END()
