// The SharedStore interface's own code (get() over lookup(), the default
// may_hold) and the in-memory store's specifics. What every store must do is
// in store_contract_test.cpp, which runs against the in-memory store too.
#include "core/shared_store.h"

#include <boost/test/unit_test.hpp>

#include "store_support.h"

using namespace ssoauth;

namespace {

constexpr int64_t kNow = 1700000000;

// Answers every lookup with one fixed result.
class FixedStore final : public SharedStore {
public:
    explicit FixedStore(StoreLookup answer) : answer_(std::move(answer)) {}
    bool put(const std::string&, const std::string&, int64_t, int64_t) override { return false; }
    bool add(const std::string&, const std::string&, int64_t, int64_t) override { return false; }
    StoreLookup lookup(const std::string&, int64_t) override { return answer_; }
    void remove(const std::string&) override {}
    size_t max_value_bytes() const override { return 0; }

private:
    StoreLookup answer_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(shared_store)

BOOST_AUTO_TEST_CASE(get_returns_the_value_only_when_lookup_found_one) {
    BOOST_TEST(FixedStore({LookupStatus::Found, "v"}).get("k", kNow).value_or("<none>") == "v");
    BOOST_TEST(FixedStore({LookupStatus::Found, ""}).get("k", kNow).value_or("<none>") == "");
    BOOST_TEST(!FixedStore({LookupStatus::Absent, {}}).get("k", kNow).has_value());
    // Callers of get() treat an unreadable store as they treat an absent key.
    BOOST_TEST(!FixedStore({LookupStatus::Unavailable, {}}).get("k", kNow).has_value());
}

BOOST_AUTO_TEST_CASE(may_hold_answers_true_unless_a_store_knows_better) {
    FixedStore store({LookupStatus::Absent, {}});
    BOOST_TEST(store.may_hold("sid:", kNow));
    BOOST_TEST(make_memory_store()->may_hold("sid:", kNow));
}

BOOST_AUTO_TEST_CASE(the_memory_store_is_never_unavailable) {
    auto store = make_memory_store(1, 16);
    BOOST_TEST(store->lookup("rf:x", kNow).status == LookupStatus::Absent);
    BOOST_TEST(store->put("rf:x", "v", kNow + 1, kNow));
    BOOST_TEST(!store->put("rf:y", "v", kNow + 1, kNow));  // full
    BOOST_TEST(store->lookup("rf:y", kNow).status == LookupStatus::Absent);
}

BOOST_AUTO_TEST_CASE(the_memory_store_drops_expired_entries_only_when_it_needs_room) {
    auto store = make_memory_store(2, 16);
    BOOST_TEST(store->put("a", "1", kNow + 1, kNow));
    BOOST_TEST(store->put("b", "2", kNow + 100, kNow));
    // "a" has expired; a third key takes its room, "b" stays.
    BOOST_TEST(store->put("c", "3", kNow + 100, kNow + 1));
    BOOST_TEST(store->get("b", kNow + 1).value_or("<none>") == "2");
    BOOST_TEST(store->get("c", kNow + 1).value_or("<none>") == "3");
    BOOST_TEST(!store->put("d", "4", kNow + 100, kNow + 1));
}

BOOST_AUTO_TEST_SUITE_END()
