// The SharedStore contract: what every store implementation must do, written
// once and run against each of them (suites store_contract/<store>/...).
//
// To add a store: write a factory returning a StoreUnderTest and add one line
// to store_kinds(), declaring the store's capabilities; a case runs only
// against the stores that have every capability it needs. A factory may
// return a null store when the store cannot run here (e.g. no server to talk
// to): its cases then pass with a message saying so.
#include "core/shared_store.h"

#include <boost/test/unit_test.hpp>

#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "store_support.h"

using namespace ssoauth;

namespace {

constexpr int64_t kNow = 1700000000;

// What a store under test offers beyond the basic operations.
enum Capability : unsigned {
    // Made with (entries, value_bytes), it holds exactly `entries` entries:
    // the "full store" cases apply.
    kExactCapacity = 1u << 0,
    // One store is shared by processes forked after it was made: the fork
    // cases apply. (A networked store must not share one connection with
    // its children.)
    kCrossProcess = 1u << 1,
    // The test can make it unavailable (lock failure, server down).
    kCanBeUnavailable = 1u << 2,
};

struct StoreUnderTest {
    std::shared_ptr<SharedStore> store;
    // With kCanBeUnavailable: makes the store unavailable (true) or available again.
    std::function<void(bool)> set_unavailable;
};

struct StoreKind {
    const char* name;
    unsigned capabilities;
    std::function<StoreUnderTest(size_t entries, size_t value_bytes)> make;
};

StoreUnderTest memory_store(size_t entries, size_t value_bytes) {
    return {make_memory_store(entries, value_bytes), nullptr};
}

StoreUnderTest shm_table(size_t entries, size_t value_bytes) {
    auto region = std::make_shared<test::SharedRegion>(static_cast<uint32_t>(entries),
                                                       static_cast<uint32_t>(value_bytes));
    return {test::store_of(region), [region](bool down) { region->lock().fail = down; }};
}

// Every SharedStore implementation, one line each.
const std::vector<StoreKind>& store_kinds() {
    static const std::vector<StoreKind> kinds = {
        {"memory", kExactCapacity, memory_store},
        {"shm_table", kExactCapacity | kCrossProcess | kCanBeUnavailable, shm_table},
    };
    return kinds;
}

// ---- registration: one Boost.Test case per (store kind, contract case) ----

using ContractCase = void (*)(const StoreKind&);

boost::unit_test::test_suite& suite_for(const StoreKind& kind) {
    static boost::unit_test::test_suite* contract = nullptr;
    static std::map<std::string, boost::unit_test::test_suite*> suites;
    if (!contract) {
        contract = BOOST_TEST_SUITE("store_contract");
        boost::unit_test::framework::master_test_suite().add(contract);
    }
    auto& suite = suites[kind.name];
    if (!suite) {
        suite = BOOST_TEST_SUITE(kind.name);
        contract->add(suite);
    }
    return *suite;
}

void run_case(const StoreKind& kind, ContractCase body) {
    if (!kind.make(16, 1024).store) {
        BOOST_TEST_MESSAGE(kind.name << " cannot run here: skipped");
        return;
    }
    body(kind);
}

bool register_case(const char* name, unsigned needs, ContractCase body, const char* file, size_t line) {
    for (const StoreKind& kind : store_kinds()) {
        if ((kind.capabilities & needs) != needs) continue;
        suite_for(kind).add(
            boost::unit_test::make_test_case([&kind, body] { run_case(kind, body); }, name, file, line));
    }
    return true;
}

// Defines a contract case run against every store having the `needs` capabilities.
#define STORE_CONTRACT(name, needs)                                                          \
    void name(const StoreKind& kind);                                                        \
    const bool name##_registered = register_case(#name, needs, &name, __FILE__, __LINE__);   \
    void name(const StoreKind& kind)

// ---- helpers for the concurrent cases ----

// Runs body(i) for i in [0, n) in n forked children that start together, and
// returns their exit codes (-1: did not exit normally, or fork failed). A
// child hanging for a minute is killed.
std::vector<int> run_in_children(int n, const std::function<int(int)>& body) {
    void* shared = mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    BOOST_REQUIRE(shared != MAP_FAILED);
    auto* ready = new (shared) std::atomic<int>(0);
    std::vector<pid_t> pids;
    for (int i = 0; i < n; ++i) {
        pid_t pid = fork();
        if (pid == 0) {
            alarm(60);
            ready->fetch_add(1);
            while (ready->load() < n) sched_yield();
            int code = 3;
            try {
                code = body(i);
            } catch (...) {
            }
            _exit(code);  // no atexit handler, no Boost.Test teardown in the child
        }
        if (pid < 0) ready->fetch_add(1);  // the others must not wait for it
        pids.push_back(pid);
    }
    std::vector<int> codes;
    for (pid_t pid : pids) {
        int status = 0;
        bool exited = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status);
        codes.push_back(exited ? WEXITSTATUS(status) : -1);
    }
    munmap(shared, sizeof(std::atomic<int>));
    return codes;
}

// True when `value` is one character repeated (how the torn-value cases write).
bool whole(const std::string& value) { return value.find_first_not_of(value[0]) == std::string::npos; }

// ---- the contract ----

STORE_CONTRACT(put_then_get_returns_the_value_until_it_expires, 0) {
    auto store = kind.make(64, 4096).store;
    BOOST_TEST(store->put("sid:abc", "1", kNow + 10, kNow));
    BOOST_TEST(store->get("sid:abc", kNow).value_or("<none>") == "1");
    BOOST_TEST(store->get("sid:abc", kNow + 9).value_or("<none>") == "1");
    BOOST_TEST(!store->get("sid:abc", kNow + 10).has_value());  // live while now < expires_at
    BOOST_TEST(!store->get("sid:abc", kNow + 11).has_value());
}

STORE_CONTRACT(lookup_tells_a_live_value_from_an_absent_or_expired_one, 0) {
    auto store = kind.make(64, 4096).store;
    BOOST_TEST(store->lookup("rf:nothing", kNow).status == LookupStatus::Absent);
    BOOST_TEST(store->put("rf:h", "v", kNow + 10, kNow));
    StoreLookup found = store->lookup("rf:h", kNow);
    BOOST_TEST(found.status == LookupStatus::Found);
    BOOST_TEST(found.value == "v");
    BOOST_TEST(store->lookup("rf:h", kNow + 10).status == LookupStatus::Absent);
    BOOST_TEST(!store->get("rf:nothing", kNow).has_value());
}

STORE_CONTRACT(put_replaces_the_value_and_the_expiry, 0) {
    auto store = kind.make(64, 4096).store;
    BOOST_TEST(store->put("rf:h", "pending", kNow + 60, kNow));
    BOOST_TEST(store->put("rf:h", "sealed-result", kNow + 5, kNow));
    BOOST_TEST(store->get("rf:h", kNow).value_or("<none>") == "sealed-result");
    BOOST_TEST(!store->get("rf:h", kNow + 5).has_value());
}

STORE_CONTRACT(keys_are_distinct_and_values_are_binary_safe, 0) {
    auto store = kind.make(64, 4096).store;
    std::string binary("a\0b\xff", 4);
    BOOST_TEST(store->put("jti:1", binary, kNow + 60, kNow));
    BOOST_TEST(store->put("jti:2", "", kNow + 60, kNow));
    BOOST_TEST(store->get("jti:1", kNow).value_or("<none>") == binary);
    BOOST_TEST(store->get("jti:2", kNow).value_or("<none>") == "");
    BOOST_TEST(!store->get("jti:3", kNow).has_value());
}

STORE_CONTRACT(add_stores_only_when_no_live_value_exists, 0) {
    auto store = kind.make(64, 4096).store;
    BOOST_TEST(store->add("jti:x", "1", kNow + 60, kNow));
    BOOST_TEST(!store->add("jti:x", "2", kNow + 60, kNow));
    BOOST_TEST(store->get("jti:x", kNow).value_or("<none>") == "1");
    // Once expired, the key is free again.
    BOOST_TEST(store->add("jti:x", "3", kNow + 120, kNow + 60));
    BOOST_TEST(store->get("jti:x", kNow + 60).value_or("<none>") == "3");
}

STORE_CONTRACT(remove_frees_the_key, 0) {
    auto store = kind.make(64, 4096).store;
    BOOST_TEST(store->add("rf:k", "pending", kNow + 60, kNow));
    store->remove("rf:k");
    BOOST_TEST(store->lookup("rf:k", kNow).status == LookupStatus::Absent);
    BOOST_TEST(store->add("rf:k", "again", kNow + 60, kNow));
    store->remove("rf:never-stored");  // harmless
    BOOST_TEST(store->get("rf:k", kNow).value_or("<none>") == "again");
}

STORE_CONTRACT(refuses_values_larger_than_max_value_bytes, 0) {
    auto store = kind.make(16, 1024).store;
    BOOST_TEST(store->max_value_bytes() == 1024u);
    BOOST_TEST(store->put("k", std::string(1024, 'v'), kNow + 60, kNow));
    BOOST_TEST(!store->put("k2", std::string(1025, 'v'), kNow + 60, kNow));
    BOOST_TEST(!store->add("k3", std::string(1025, 'v'), kNow + 60, kNow));
    BOOST_TEST(!store->get("k2", kNow).has_value());
    // A refused replacement leaves the old value in place.
    BOOST_TEST(!store->put("k", std::string(2000, 'w'), kNow + 60, kNow));
    BOOST_TEST(store->get("k", kNow).value_or("") == std::string(1024, 'v'));
}

STORE_CONTRACT(refuses_new_keys_when_full_of_live_entries_but_reuses_expired_ones, kExactCapacity) {
    auto store = kind.make(4, 64).store;
    for (int i = 0; i < 4; ++i) BOOST_TEST(store->put("k" + std::to_string(i), "v", kNow + 10 + i, kNow));
    BOOST_TEST(!store->put("k4", "v", kNow + 60, kNow));
    BOOST_TEST(!store->add("k4", "v", kNow + 60, kNow));
    // A full store is still read: the refused key is absent, not unavailable.
    BOOST_TEST(store->lookup("k4", kNow).status == LookupStatus::Absent);
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

STORE_CONTRACT(may_hold_is_true_while_a_live_key_of_the_prefix_exists, 0) {
    auto store = kind.make(64, 4096).store;
    BOOST_TEST(store->put("sid:https://idp.example abc", "1", kNow + 10, kNow));
    BOOST_TEST(store->put("nocolon", "1", kNow + 20, kNow));
    for (int64_t now = kNow; now < kNow + 10; ++now) BOOST_TEST(store->may_hold("sid:", now));
    BOOST_TEST(store->may_hold("nocolon", kNow + 19));  // a key without ':' is its own prefix
    // After the expiry, either answer is allowed; a later write makes it true again.
    BOOST_TEST(store->put("sid:https://idp.example def", "1", kNow + 100, kNow + 50));
    BOOST_TEST(store->may_hold("sid:", kNow + 99));
}

STORE_CONTRACT(an_unavailable_store_fails_closed_and_says_so, kCanBeUnavailable) {
    StoreUnderTest s = kind.make(64, 4096);
    BOOST_TEST(s.store->put("sid:revoked", "1", kNow + 60, kNow));
    s.set_unavailable(true);
    // "Unavailable" is never "absent": a revocation check must not read it as "not revoked".
    BOOST_TEST(s.store->lookup("sid:revoked", kNow).status == LookupStatus::Unavailable);
    BOOST_TEST(!s.store->get("sid:revoked", kNow).has_value());
    BOOST_TEST(s.store->may_hold("sid:", kNow));
    BOOST_TEST(!s.store->put("sid:other", "1", kNow + 60, kNow));
    BOOST_TEST(!s.store->add("jti:x", "1", kNow + 60, kNow));
    s.store->remove("sid:revoked");  // does nothing
    s.set_unavailable(false);
    BOOST_TEST(s.store->get("sid:revoked", kNow).value_or("<none>") == "1");
    BOOST_TEST(s.store->lookup("sid:other", kNow).status == LookupStatus::Absent);
    BOOST_TEST(s.store->add("jti:x", "1", kNow + 60, kNow));
}

STORE_CONTRACT(exactly_one_of_eight_threads_racing_add_on_one_key_wins, 0) {
    for (int round = 0; round < 50; ++round) {
        auto store = kind.make(64, 4096).store;
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

STORE_CONTRACT(concurrent_writers_and_readers_see_whole_values, 0) {
    auto store = kind.make(64, 4096).store;
    std::atomic<bool> torn{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                std::string key = "k" + std::to_string(i % 8);
                if (t % 2) {
                    store->put(key, std::string(1 + (i * 7 + t) % 4000, static_cast<char>('a' + t)), kNow + 60, kNow);
                } else if (auto v = store->get(key, kNow)) {
                    if (!whole(*v)) torn = true;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    BOOST_TEST(!torn.load());
}

STORE_CONTRACT(exactly_one_of_eight_processes_racing_add_on_one_key_wins, kCrossProcess) {
    for (int round = 0; round < 10; ++round) {
        auto store = kind.make(64, 4096).store;
        std::vector<int> codes = run_in_children(8, [&](int i) {
            return store->add("rf:session-hash", "pending-" + std::to_string(i), kNow + 60, kNow) ? 0 : 1;
        });
        int winners = 0;
        for (int code : codes) {
            BOOST_TEST((code == 0 || code == 1), "a child exited with " << code);
            winners += code == 0;
        }
        BOOST_TEST(winners == 1);
        BOOST_TEST(store->get("rf:session-hash", kNow).value_or("").rfind("pending-", 0) == 0u);
    }
}

STORE_CONTRACT(processes_writing_and_reading_concurrently_see_whole_values, kCrossProcess) {
    auto store = kind.make(64, 4096).store;
    // Exit codes: 0 fine, 2 a torn value was read.
    std::vector<int> codes = run_in_children(4, [&](int child) {
        for (int i = 0; i < 2000; ++i) {
            std::string key = "k" + std::to_string(i % 8);
            if (child % 2) {
                store->put(key, std::string(1 + (i * 7 + child) % 4000, static_cast<char>('a' + child)), kNow + 60,
                           kNow);
            } else if (auto v = store->get(key, kNow)) {
                if (!whole(*v)) return 2;
            }
        }
        return 0;
    });
    for (int code : codes) BOOST_TEST(code == 0);
    for (int k = 0; k < 8; ++k) {  // the children's last writes are seen by the parent
        auto v = store->get("k" + std::to_string(k), kNow);
        BOOST_TEST(v.has_value());
        if (v) BOOST_TEST(whole(*v));
    }
}

STORE_CONTRACT(what_one_process_writes_or_removes_the_others_see, kCrossProcess) {
    auto store = kind.make(64, 4096).store;
    BOOST_TEST(store->put("sid:from-parent", "p", kNow + 60, kNow));
    std::vector<int> codes = run_in_children(1, [&](int) {
        if (store->get("sid:from-parent", kNow).value_or("") != "p") return 2;
        store->remove("sid:from-parent");
        return store->put("sub:from-child", "c", kNow + 60, kNow) ? 0 : 3;
    });
    BOOST_TEST(codes == std::vector<int>{0});
    BOOST_TEST(store->lookup("sid:from-parent", kNow).status == LookupStatus::Absent);
    BOOST_TEST(store->get("sub:from-child", kNow).value_or("<none>") == "c");
    BOOST_TEST(store->may_hold("sub:", kNow));
}

}  // namespace
