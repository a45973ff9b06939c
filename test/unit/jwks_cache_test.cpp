#include <boost/test/unit_test.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "core/jwks_cache.h"
#include "fake_http.h"

using namespace ssoauth;

namespace {

const std::string kJwksUri = "https://idp.example.com/api/auth/jwks";

// Public P-256 keys (ES256) that cjose imports.
std::string ec_key(const std::string& kid, int which) {
    static const char* const xs[] = {"aVgSzH32uw1cCLgkvQQ9VqXEdmqqA-mZ8he87aDgwo4",
                                     "CfQg7KtjVCECh663i2wBtfVL1eGH9BwY5HHMIiML3qc"};
    static const char* const ys[] = {"psG4jj9Sp7sEzWV5pSNXxMNHgAThPftKRqI9xsaHSys",
                                     "eeg0YGsnZAPORotbQVd2A4xpP9s-yY2QIJ1oXSZBzY0"};
    return R"({"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":")" + kid + R"(","x":")" + xs[which] +
           R"(","y":")" + ys[which] + R"("})";
}

std::string jwks_one() { return R"({"keys":[)" + ec_key("k1", 0) + "]}"; }
std::string jwks_two() { return R"({"keys":[)" + ec_key("k1", 0) + "," + ec_key("k2", 1) + "]}"; }

HttpResponse jwks_response(const std::string& body, const std::string& cache_control = "") {
    HeaderList headers;
    if (!cache_control.empty()) headers.emplace_back("cache-control", cache_control);
    return FakeHttpClient::json(200, body, headers);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jwks_cache)

BOOST_AUTO_TEST_CASE(serves_cached_keys_within_default_ttl) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kJwksUri, jwks_response(jwks_one()));
    JwksCache cache(http, 3600, 10);
    std::string error = "x";
    for (int i = 0; i < 10; ++i) {
        auto keys = cache.get(kJwksUri, 1000 + i * 300, &error);
        BOOST_REQUIRE(keys);
        BOOST_TEST(error == "");
        BOOST_TEST(keys->find("k1") != nullptr);
    }
    BOOST_TEST(cache.fetch_count() == 1u);
    BOOST_REQUIRE(cache.get(kJwksUri, 4600, &error));
    BOOST_TEST(cache.fetch_count() == 2u);
    BOOST_TEST(http->last_request().method == "GET");
}

BOOST_AUTO_TEST_CASE(ttl_comes_from_cache_control_max_age) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kJwksUri, jwks_response(jwks_one(), "public, max-age=60, must-revalidate"));
    JwksCache cache(http, 3600, 10);
    std::string error;
    BOOST_REQUIRE(cache.get(kJwksUri, 0, &error));
    BOOST_REQUIRE(cache.get(kJwksUri, 59, &error));
    BOOST_TEST(cache.fetch_count() == 1u);
    BOOST_REQUIRE(cache.get(kJwksUri, 60, &error));
    BOOST_TEST(cache.fetch_count() == 2u);
}

BOOST_AUTO_TEST_CASE(max_age_below_min_refetch_interval_is_raised_to_it) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kJwksUri, jwks_response(jwks_one(), "max-age=0"));
    JwksCache cache(http, 3600, 10);
    std::string error;
    BOOST_REQUIRE(cache.get(kJwksUri, 0, &error));
    BOOST_REQUIRE(cache.get(kJwksUri, 9, &error));
    BOOST_TEST(cache.fetch_count() == 1u);
    BOOST_REQUIRE(cache.get(kJwksUri, 10, &error));
    BOOST_TEST(cache.fetch_count() == 2u);
}

BOOST_AUTO_TEST_CASE(unknown_kid_refetches_at_most_once_per_interval) {
    auto http = std::make_shared<FakeHttpClient>();
    http->enqueue(kJwksUri, jwks_response(jwks_one()));
    http->respond(kJwksUri, jwks_response(jwks_two()));
    JwksCache cache(http, 3600, 10);
    std::string error;
    auto keys = cache.get(kJwksUri, 100, &error);
    BOOST_REQUIRE(keys);
    BOOST_TEST(keys->find("k2") == nullptr);

    // A kid the set lacks, 10 s after the last fetch: one refetch, which brings the rotated key.
    keys = cache.refetch_for_unknown_kid(kJwksUri, "k2", 110, &error);
    BOOST_REQUIRE(keys);
    BOOST_TEST(keys->find("k2") != nullptr);
    BOOST_TEST(cache.fetch_count() == 2u);

    // Another unknown kid within 10 s: no refetch, the current set is returned.
    keys = cache.refetch_for_unknown_kid(kJwksUri, "k3", 115, &error);
    BOOST_REQUIRE(keys);
    BOOST_TEST(keys->size() == 2u);
    BOOST_TEST(cache.fetch_count() == 2u);
    BOOST_REQUIRE(cache.refetch_for_unknown_kid(kJwksUri, "k4", 119, &error));
    BOOST_TEST(cache.fetch_count() == 2u);

    // 10 s after the last refetch: refetch again.
    BOOST_REQUIRE(cache.refetch_for_unknown_kid(kJwksUri, "k3", 120, &error));
    BOOST_TEST(cache.fetch_count() == 3u);
}

BOOST_AUTO_TEST_CASE(unknown_kid_right_after_a_fetch_does_not_refetch) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kJwksUri, jwks_response(jwks_one()));
    JwksCache cache(http, 3600, 10);
    std::string error;
    BOOST_REQUIRE(cache.get(kJwksUri, 100, &error));
    BOOST_REQUIRE(cache.refetch_for_unknown_kid(kJwksUri, "nope", 105, &error));
    BOOST_TEST(cache.fetch_count() == 1u);
}

BOOST_AUTO_TEST_CASE(kid_already_present_does_not_refetch) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kJwksUri, jwks_response(jwks_two()));
    JwksCache cache(http, 3600, 10);
    std::string error;
    BOOST_REQUIRE(cache.get(kJwksUri, 0, &error));
    auto keys = cache.refetch_for_unknown_kid(kJwksUri, "k2", 500, &error);
    BOOST_REQUIRE(keys);
    BOOST_TEST(keys->find("k2") != nullptr);
    BOOST_TEST(cache.fetch_count() == 1u);
}

BOOST_AUTO_TEST_CASE(concurrent_unknown_kid_refetches_make_one_fetch) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kJwksUri, jwks_response(jwks_one()));
    JwksCache cache(http, 3600, 10);
    std::string error;
    BOOST_REQUIRE(cache.get(kJwksUri, 0, &error));
    http->set_delay(std::chrono::milliseconds(100));
    std::atomic<int> got{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            std::string e;
            if (cache.refetch_for_unknown_kid(kJwksUri, "unknown" + std::to_string(i), 50, &e)) ++got;
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(got.load() == 8);
    BOOST_TEST(cache.fetch_count() == 2u);
}

BOOST_AUTO_TEST_CASE(unreachable_provider_keeps_last_good_keys) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kJwksUri, jwks_response(jwks_one(), "max-age=60"));
    JwksCache cache(http, 3600, 10);
    std::string error;
    BOOST_REQUIRE(cache.get(kJwksUri, 0, &error));

    http->set_down(true);
    auto keys = cache.get(kJwksUri, 100, &error);
    BOOST_REQUIRE(keys);
    BOOST_TEST(keys->find("k1") != nullptr);
    BOOST_TEST(error.find("stale") != std::string::npos);
    BOOST_TEST(cache.fetch_count() == 2u);

    // Failed moments ago: not retried before min_refetch_interval.
    BOOST_REQUIRE(cache.get(kJwksUri, 105, &error));
    BOOST_TEST(cache.fetch_count() == 2u);
    BOOST_REQUIRE(cache.refetch_for_unknown_kid(kJwksUri, "k9", 105, &error));
    BOOST_TEST(cache.fetch_count() == 2u);

    BOOST_REQUIRE(cache.get(kJwksUri, 110, &error));
    BOOST_TEST(cache.fetch_count() == 3u);
}

BOOST_AUTO_TEST_CASE(garbage_or_empty_jwks_keeps_last_good_keys) {
    auto http = std::make_shared<FakeHttpClient>();
    http->enqueue(kJwksUri, jwks_response(jwks_one(), "max-age=60"));
    http->enqueue(kJwksUri, FakeHttpClient::json(200, "<html>oops</html>"));
    http->enqueue(kJwksUri, FakeHttpClient::json(200, R"({"keys":[]})"));
    http->enqueue(kJwksUri, FakeHttpClient::json(503, "{}"));
    JwksCache cache(http, 3600, 10);
    std::string error;
    BOOST_REQUIRE(cache.get(kJwksUri, 0, &error));
    for (int t : {60, 70, 80}) {
        auto keys = cache.get(kJwksUri, t, &error);
        BOOST_REQUIRE(keys);
        BOOST_TEST(keys->find("k1") != nullptr);
        BOOST_TEST(error.find("stale") != std::string::npos);
    }
    BOOST_TEST(error.find("503") != std::string::npos);
    BOOST_TEST(cache.fetch_count() == 4u);
}

BOOST_AUTO_TEST_CASE(no_keys_ever_fetched_returns_null_with_reason) {
    auto http = std::make_shared<FakeHttpClient>();
    http->set_down(true, "Could not resolve host");
    JwksCache cache(http, 3600, 10);
    std::string error;
    BOOST_TEST(!cache.get(kJwksUri, 0, &error));
    BOOST_TEST(error.find("Could not resolve host") != std::string::npos);
    BOOST_TEST(!cache.get(kJwksUri, 5, &error));
    BOOST_TEST(cache.fetch_count() == 1u);
}

BOOST_AUTO_TEST_CASE(changed_jwks_uri_empties_the_cache) {
    const std::string other = "https://idp.example.com/api/auth/jwks2";
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kJwksUri, jwks_response(jwks_one()));
    http->respond(other, jwks_response(jwks_two()));
    JwksCache cache(http, 3600, 10);
    std::string error;
    BOOST_REQUIRE(cache.get(kJwksUri, 0, &error));
    auto keys = cache.get(other, 1, &error);
    BOOST_REQUIRE(keys);
    BOOST_TEST(keys->size() == 2u);
    BOOST_TEST(http->calls(other) == 1u);

    // Unreachable new URI: the old URI's keys are not served for it.
    const std::string third = "https://idp.example.com/api/auth/jwks3";
    BOOST_TEST(!cache.get(third, 2, &error));
}

BOOST_AUTO_TEST_SUITE_END()
