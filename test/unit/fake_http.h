// A programmable, recording HttpClient for unit tests. Thread-safe.
//
//   auto http = std::make_shared<FakeHttpClient>();
//   http->respond("https://op/jwks", FakeHttpClient::json(200, "{...}"));   // every call
//   http->enqueue("https://op/token", FakeHttpClient::json(400, "{...}"));  // next call only
//   http->set_down(true);                 // every call fails at the transport
//   http->set_delay(std::chrono::milliseconds(50));
//   http->requests(), http->last_request(), http->calls(), http->calls("https://op/jwks")
//
// Queued responses for a URL are used first, one per call; then the standing
// response; a URL with neither gets 404.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/http_client.h"

namespace ssoauth {

class FakeHttpClient : public HttpClient {
public:
    static HttpResponse json(long status, std::string body, HeaderList headers = {}) {
        HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        r.headers = std::move(headers);
        r.headers.emplace_back("content-type", "application/json");
        return r;
    }
    static HttpResponse transport_failure(std::string message = "Connection refused") {
        HttpResponse r;
        r.transport_error = std::move(message);
        return r;
    }

    void respond(const std::string& url, HttpResponse response) {
        std::lock_guard<std::mutex> lock(mutex_);
        standing_[url] = std::move(response);
    }
    void enqueue(const std::string& url, HttpResponse response) {
        std::lock_guard<std::mutex> lock(mutex_);
        queued_[url].push_back(std::move(response));
    }
    void set_down(bool down, std::string message = "Connection refused") {
        std::lock_guard<std::mutex> lock(mutex_);
        down_ = down;
        down_message_ = std::move(message);
    }
    void set_delay(std::chrono::milliseconds delay) {
        std::lock_guard<std::mutex> lock(mutex_);
        delay_ = delay;
    }

    HttpResponse send(const HttpRequest& request) override {
        std::chrono::milliseconds delay;
        HttpResponse response;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            requests_.push_back(request);
            delay = delay_;
            auto q = queued_.find(request.url);
            if (down_) {
                response = transport_failure(down_message_);
            } else if (q != queued_.end() && !q->second.empty()) {
                response = std::move(q->second.front());
                q->second.pop_front();
            } else if (standing_.count(request.url)) {
                response = standing_[request.url];
            } else {
                response.status = 404;
                response.body = "not found";
            }
        }
        if (delay.count() > 0) std::this_thread::sleep_for(delay);
        return response;
    }

    // The value of the first header of `request` named `name` (exact case), or "".
    static std::string header_of(const HttpRequest& request, const std::string& name) {
        for (const auto& h : request.headers)
            if (h.first == name) return h.second;
        return std::string();
    }

    std::vector<HttpRequest> requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }
    HttpRequest last_request() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_.empty() ? HttpRequest() : requests_.back();
    }
    size_t calls() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_.size();
    }
    size_t calls(const std::string& url) const {
        std::lock_guard<std::mutex> lock(mutex_);
        size_t n = 0;
        for (const auto& r : requests_) n += r.url == url;
        return n;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, HttpResponse> standing_;
    std::map<std::string, std::deque<HttpResponse>> queued_;
    std::vector<HttpRequest> requests_;
    bool down_ = false;
    std::string down_message_;
    std::chrono::milliseconds delay_{0};
};

}  // namespace ssoauth
