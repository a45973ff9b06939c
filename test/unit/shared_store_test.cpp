#include "core/shared_store.h"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace ssoauth;

namespace {
constexpr int64_t kNow = 1700000000;
}  // namespace

BOOST_AUTO_TEST_SUITE(shared_store)

BOOST_AUTO_TEST_CASE(put_then_get_returns_the_value_until_it_expires) {
    auto store = make_memory_store();
    BOOST_TEST(store->put("sid:abc", "1", kNow + 10, kNow));
    BOOST_TEST(store->get("sid:abc", kNow).value_or("<none>") == "1");
    BOOST_TEST(store->get("sid:abc", kNow + 9).value_or("<none>") == "1");
    BOOST_TEST(!store->get("sid:abc", kNow + 10).has_value());  // live while now < expires_at
    BOOST_TEST(!store->get("sid:abc", kNow + 11).has_value());
}

BOOST_AUTO_TEST_CASE(get_of_an_unknown_key_is_empty) {
    auto store = make_memory_store();
    BOOST_TEST(!store->get("rf:nothing", kNow).has_value());
}

BOOST_AUTO_TEST_CASE(put_replaces_the_value_and_the_expiry) {
    auto store = make_memory_store();
    BOOST_TEST(store->put("rf:h", "pending", kNow + 60, kNow));
    BOOST_TEST(store->put("rf:h", "sealed-result", kNow + 5, kNow));
    BOOST_TEST(store->get("rf:h", kNow).value_or("<none>") == "sealed-result");
    BOOST_TEST(!store->get("rf:h", kNow + 5).has_value());
}

BOOST_AUTO_TEST_CASE(keys_are_distinct_and_values_are_binary_safe) {
    auto store = make_memory_store();
    std::string binary("a\0b\xff", 4);
    BOOST_TEST(store->put("jti:1", binary, kNow + 60, kNow));
    BOOST_TEST(store->put("jti:2", "", kNow + 60, kNow));
    BOOST_TEST(store->get("jti:1", kNow).value_or("<none>") == binary);
    BOOST_TEST(store->get("jti:2", kNow).value_or("<none>") == "");
    BOOST_TEST(!store->get("jti:3", kNow).has_value());
}

BOOST_AUTO_TEST_CASE(add_stores_only_when_no_live_value_exists) {
    auto store = make_memory_store();
    BOOST_TEST(store->add("jti:x", "1", kNow + 60, kNow));
    BOOST_TEST(!store->add("jti:x", "2", kNow + 60, kNow));
    BOOST_TEST(store->get("jti:x", kNow).value_or("<none>") == "1");
    // Once expired, the key is free again.
    BOOST_TEST(store->add("jti:x", "3", kNow + 120, kNow + 60));
    BOOST_TEST(store->get("jti:x", kNow + 60).value_or("<none>") == "3");
}

BOOST_AUTO_TEST_CASE(remove_frees_the_key) {
    auto store = make_memory_store();
    BOOST_TEST(store->add("rf:k", "pending", kNow + 60, kNow));
    store->remove("rf:k");
    BOOST_TEST(!store->get("rf:k", kNow).has_value());
    BOOST_TEST(store->add("rf:k", "again", kNow + 60, kNow));
    store->remove("rf:never-stored");  // harmless
}

BOOST_AUTO_TEST_CASE(refuses_values_larger_than_max_value_bytes) {
    auto store = make_memory_store(16, 1024);
    BOOST_TEST(store->max_value_bytes() == 1024u);
    BOOST_TEST(store->put("k", std::string(1024, 'v'), kNow + 60, kNow));
    BOOST_TEST(!store->put("k2", std::string(1025, 'v'), kNow + 60, kNow));
    BOOST_TEST(!store->add("k3", std::string(1025, 'v'), kNow + 60, kNow));
    BOOST_TEST(!store->get("k2", kNow).has_value());
    // A refused replacement leaves the old value in place.
    BOOST_TEST(!store->put("k", std::string(2000, 'w'), kNow + 60, kNow));
    BOOST_TEST(store->get("k", kNow).value_or("") == std::string(1024, 'v'));
}

BOOST_AUTO_TEST_CASE(refuses_new_keys_when_full_of_live_entries_but_reuses_expired_ones) {
    auto store = make_memory_store(4, 64);
    for (int i = 0; i < 4; ++i) BOOST_TEST(store->put("k" + std::to_string(i), "v", kNow + 10 + i, kNow));
    BOOST_TEST(!store->put("k4", "v", kNow + 60, kNow));
    BOOST_TEST(!store->add("k4", "v", kNow + 60, kNow));
    // Existing keys can still be replaced when full.
    BOOST_TEST(store->put("k0", "w", kNow + 10, kNow));
    BOOST_TEST(store->get("k0", kNow).value_or("") == "w");
    // Once k0 has expired, its room goes to a new key.
    BOOST_TEST(store->put("k4", "v", kNow + 60, kNow + 10));
    BOOST_TEST(store->get("k4", kNow + 10).value_or("") == "v");
    BOOST_TEST(store->get("k1", kNow + 10).value_or("") == "v");
    // remove() frees room too.
    store->remove("k1");
    BOOST_TEST(store->add("k5", "v", kNow + 60, kNow + 10));
}

BOOST_AUTO_TEST_CASE(exactly_one_of_eight_threads_racing_add_on_one_key_wins) {
    for (int round = 0; round < 50; ++round) {
        auto store = make_memory_store();
        std::atomic<int> ready{0};
        std::atomic<int> winners{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                ready.fetch_add(1);
                while (ready.load() < 8) std::this_thread::yield();
                if (store->add("rf:session-hash", "pending-" + std::to_string(t), kNow + 60, kNow)) winners.fetch_add(1);
            });
        }
        for (auto& thread : threads) thread.join();
        BOOST_TEST(winners.load() == 1);
        BOOST_TEST(store->get("rf:session-hash", kNow).value_or("").rfind("pending-", 0) == 0u);
    }
}

BOOST_AUTO_TEST_CASE(concurrent_writers_and_readers_see_whole_values) {
    auto store = make_memory_store(64, 4096);
    std::atomic<bool> torn{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                std::string key = "k" + std::to_string(i % 8);
                if (t % 2) {
                    store->put(key, std::string(1 + (i * 7 + t) % 4000, static_cast<char>('a' + t)), kNow + 60, kNow);
                } else if (auto v = store->get(key, kNow)) {
                    if (v->find_first_not_of((*v)[0]) != std::string::npos) torn = true;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    BOOST_TEST(!torn.load());
}

BOOST_AUTO_TEST_SUITE_END()
