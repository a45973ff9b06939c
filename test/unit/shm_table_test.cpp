// The shm table's own algorithm: region layout, probe window, compaction,
// the lock-free read hints and the full-store report. What every store must
// do is in store_contract_test.cpp.
#include "core/shm_table.h"

#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "store_support.h"

using namespace ssoauth;
using ssoauth::test::SharedRegion;
using State = ShmTable::SlotState;

namespace {

constexpr int64_t kNow = 1700000000;

// `count` distinct keys whose probe starts at `home`.
std::vector<std::string> keys_with_home(const ShmTable& table, uint32_t home, size_t count) {
    std::vector<std::string> keys;
    for (int i = 0; keys.size() < count; ++i) {
        std::string key = "rf:" + std::to_string(i);
        if (table.home_slot(key) == home) keys.push_back(key);
    }
    return keys;
}

// `count` keys whose probe starts at `home`, each stored (its value: the key)
// until kNow + 60.
std::vector<std::string> store_chain(ShmTable& table, uint32_t home, size_t count) {
    auto keys = keys_with_home(table, home, count);
    for (const auto& key : keys) BOOST_TEST(table.put(key, key, kNow + 60, kNow));
    return keys;
}

uint32_t slot_after(const ShmTable& table, uint32_t slot, uint32_t n) { return (slot + n) % table.slot_count(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(shm_table)

// ---- the region ----

BOOST_AUTO_TEST_CASE(the_layout_is_a_576_byte_header_then_48_byte_slots_then_the_values) {
    BOOST_TEST(ShmTable::region_bytes(16, 1024) == 576u + 16u * 48u + 16u * 1024u);
    BOOST_TEST(ShmTable::region_bytes(1024, 8192) == 576u + 1024u * (48u + 8192u));
    // The product that cannot fit 64 bits never fits a region.
    BOOST_TEST(ShmTable::region_bytes(0xffffffffu, 0xffffffffu) > ShmTable::kMaxRegionBytes);
}

BOOST_AUTO_TEST_CASE(format_refuses_a_region_too_small_misaligned_or_without_slots) {
    std::vector<uint64_t> memory(ShmTable::region_bytes(16, 1024) / 8 + 1);
    const size_t bytes = ShmTable::region_bytes(16, 1024);
    BOOST_TEST(!ShmTable::format(memory.data(), bytes - 1, 16, 1024));
    BOOST_TEST(!ShmTable::format(memory.data(), bytes, 0, 1024));
    BOOST_TEST(!ShmTable::format(reinterpret_cast<char*>(memory.data()) + 4, bytes, 16, 1024));
    BOOST_TEST(!ShmTable::format(nullptr, bytes, 16, 1024));
    BOOST_TEST(ShmTable::format(memory.data(), bytes, 16, 1024));
}

BOOST_AUTO_TEST_CASE(holds_and_attach_accept_only_a_formatted_table_of_that_shape) {
    const size_t bytes = ShmTable::region_bytes(16, 1024);
    std::vector<uint64_t> memory(bytes / 8 + 1, 0);
    test::ProcessSharedLock unused(nullptr);
    BOOST_TEST(!ShmTable::holds(memory.data(), bytes, 16, 1024));
    BOOST_TEST(!ShmTable::attach(memory.data(), bytes, unused));
    BOOST_REQUIRE(ShmTable::format(memory.data(), bytes, 16, 1024));
    BOOST_TEST(ShmTable::holds(memory.data(), bytes, 16, 1024));
    BOOST_TEST(!ShmTable::holds(memory.data(), bytes, 32, 1024));  // a resize starts a new table
    BOOST_TEST(!ShmTable::holds(memory.data(), bytes, 16, 2048));
    BOOST_TEST(!ShmTable::holds(memory.data(), bytes - 1, 16, 1024));
    BOOST_TEST(!ShmTable::attach(memory.data(), bytes - 1, unused));
    BOOST_TEST(ShmTable::attach(memory.data(), bytes, unused).get() != nullptr);
    reinterpret_cast<unsigned char*>(memory.data())[0] ^= 1;  // the magic
    BOOST_TEST(!ShmTable::attach(memory.data(), bytes, unused));
}

BOOST_AUTO_TEST_CASE(a_second_handle_on_the_region_sees_the_same_table) {
    // What a child, or the next generation after a graceful restart, does.
    SharedRegion region(64, 1024);
    BOOST_TEST(region.table().put("sid:x", "1", kNow + 60, kNow));
    auto again = ShmTable::attach(region.region(), region.region_bytes(), region.lock());
    BOOST_REQUIRE(again);
    BOOST_TEST(again->get("sid:x", kNow).value_or("<none>") == "1");
    BOOST_TEST(again->may_hold("sid:", kNow));
    again->remove("sid:x");
    BOOST_TEST(!region.table().get("sid:x", kNow).has_value());
}

// ---- probing ----

BOOST_AUTO_TEST_CASE(colliding_keys_take_the_next_slots_and_wrap_around_the_end) {
    SharedRegion region(256, 64);
    ShmTable& table = region.table();
    auto keys = store_chain(table, 255, 3);
    BOOST_TEST(table.slot_state(255) == State::Used);
    BOOST_TEST(table.slot_state(0) == State::Used);
    BOOST_TEST(table.slot_state(1) == State::Used);
    BOOST_TEST(table.slot_state(2) == State::Empty);
    for (const auto& key : keys) BOOST_TEST(table.get(key, kNow).value_or("<none>") == key);
}

BOOST_AUTO_TEST_CASE(a_new_key_is_refused_when_its_probe_window_is_full_of_live_entries) {
    SharedRegion region(256, 64);
    ShmTable& table = region.table();
    auto keys = keys_with_home(table, 10, ShmTable::kMaxProbe + 1);
    for (uint32_t i = 0; i < ShmTable::kMaxProbe; ++i) BOOST_TEST(table.put(keys[i], "v", kNow + 10 + i, kNow));
    // 192 slots are still empty, but none within 64 of the key's home.
    BOOST_TEST(!table.put(keys.back(), "v", kNow + 60, kNow));
    BOOST_TEST(!table.add(keys.back(), "v", kNow + 60, kNow));
    BOOST_TEST(table.slot_state(slot_after(table, 10, ShmTable::kMaxProbe)) == State::Empty);
    // A key with another home is not affected.
    BOOST_TEST(table.put(keys_with_home(table, 200, 1)[0], "v", kNow + 60, kNow));
    // The first expired entry of the window makes room.
    BOOST_TEST(table.put(keys.back(), "v", kNow + 60, kNow + 10));
    BOOST_TEST(table.get(keys.back(), kNow + 10).value_or("<none>") == "v");
    BOOST_TEST(!table.get(keys[0], kNow + 10).has_value());
}

BOOST_AUTO_TEST_CASE(a_key_is_still_found_after_the_keys_before_it_in_its_chain_are_removed) {
    SharedRegion region(256, 64);
    ShmTable& table = region.table();
    auto keys = store_chain(table, 20, 3);
    table.remove(keys[0]);
    table.remove(keys[1]);
    // The removed slots stay DELETED: an EMPTY one would end the probe before keys[2].
    BOOST_TEST(table.slot_state(20) == State::Deleted);
    BOOST_TEST(table.slot_state(21) == State::Deleted);
    BOOST_TEST(table.get(keys[2], kNow).value_or("<none>") == keys[2]);
    // A new key of that home reuses the first dead slot.
    auto more = keys_with_home(table, 20, 4);
    BOOST_TEST(table.put(more[3], "new", kNow + 60, kNow));
    BOOST_TEST(table.slot_state(20) == State::Used);
}

// ---- compaction ----

BOOST_AUTO_TEST_CASE(removing_the_last_key_of_a_chain_empties_the_dead_slots_behind_it) {
    SharedRegion region(256, 64);
    ShmTable& table = region.table();
    auto keys = store_chain(table, 30, 3);
    table.remove(keys[1]);
    BOOST_TEST(table.slot_state(31) == State::Deleted);  // keys[2] still probes through it
    table.remove(keys[2]);
    BOOST_TEST(table.slot_state(32) == State::Empty);
    BOOST_TEST(table.slot_state(31) == State::Empty);
    BOOST_TEST(table.slot_state(30) == State::Used);  // a live key stops the compaction
    BOOST_TEST(table.get(keys[0], kNow).value_or("<none>") == keys[0]);
}

BOOST_AUTO_TEST_CASE(reading_an_expired_key_deletes_it_and_compacts) {
    SharedRegion region(256, 64);
    ShmTable& table = region.table();
    auto keys = keys_with_home(table, 40, 2);
    BOOST_TEST(table.put(keys[0], "a", kNow + 60, kNow));
    BOOST_TEST(table.put(keys[1], "b", kNow + 5, kNow));
    BOOST_TEST(table.lookup(keys[1], kNow + 5).status == LookupStatus::Absent);
    BOOST_TEST(table.slot_state(41) == State::Empty);
    BOOST_TEST(table.slot_state(40) == State::Used);
    // An expired key before the end of the chain is only marked deleted.
    BOOST_TEST(table.put(keys[1], "b", kNow + 120, kNow + 5));
    BOOST_TEST(table.lookup(keys[0], kNow + 60).status == LookupStatus::Absent);
    BOOST_TEST(table.slot_state(40) == State::Deleted);
    BOOST_TEST(table.get(keys[1], kNow + 60).value_or("<none>") == "b");
}

// ---- the lock-free read hints ----

BOOST_AUTO_TEST_CASE(a_prefix_never_written_is_answered_absent_without_the_lock) {
    SharedRegion region(64, 1024);
    ShmTable& table = region.table();
    BOOST_TEST(!table.may_hold("sid:", kNow));
    BOOST_TEST(table.lookup("sid:someone", kNow).status == LookupStatus::Absent);
    BOOST_TEST(region.lock().locks.load() == 0);
}

BOOST_AUTO_TEST_CASE(a_prefix_hint_lasts_until_the_latest_expiry_written_under_it) {
    SharedRegion region(64, 1024);
    ShmTable& table = region.table();
    BOOST_TEST(table.put("sid:a", "1", kNow + 10, kNow));
    BOOST_TEST(table.put("sid:b", "1", kNow + 5, kNow));  // never lowers the hint
    BOOST_TEST(table.may_hold("sid:", kNow + 9));
    BOOST_TEST(!table.may_hold("sid:", kNow + 10));
    BOOST_TEST(!table.may_hold("sub:", kNow));  // another prefix keeps its own hint
    const int locks = region.lock().locks.load();
    BOOST_TEST(table.lookup("sid:c", kNow + 9).status == LookupStatus::Absent);
    BOOST_TEST(region.lock().locks.load() == locks + 1);  // a hint saying "maybe" costs a probe
    BOOST_TEST(table.lookup("sid:a", kNow + 10).status == LookupStatus::Absent);
    BOOST_TEST(region.lock().locks.load() == locks + 1);  // a hint in the past costs nothing
    // Removing keeps the hint: it is an upper bound, not a count.
    table.remove("sid:a");
    BOOST_TEST(table.may_hold("sid:", kNow + 9));
}

BOOST_AUTO_TEST_CASE(a_lock_failure_is_unavailable_unless_the_hint_proves_absence) {
    SharedRegion region(64, 1024);
    ShmTable& table = region.table();
    BOOST_TEST(table.put("sid:a", "1", kNow + 10, kNow));
    region.lock().fail = true;
    BOOST_TEST(table.lookup("sid:a", kNow).status == LookupStatus::Unavailable);
    BOOST_TEST(table.lookup("sid:a", kNow + 10).status == LookupStatus::Absent);  // nothing can be live
    BOOST_TEST(table.lookup("sub:x", kNow).status == LookupStatus::Absent);       // nothing ever written
    BOOST_TEST(!table.put("sub:x", "1", kNow + 10, kNow));
    BOOST_TEST(region.events().full.load() == 0);  // a lock failure is not a full table
}

// ---- the full-store report ----

BOOST_AUTO_TEST_CASE(a_full_table_is_reported_at_most_once_a_minute) {
    SharedRegion region(16, 64);
    ShmTable& table = region.table();
    for (int i = 0; i < 16; ++i) BOOST_TEST(table.put("k" + std::to_string(i), "v", kNow + 3600, kNow));
    BOOST_TEST(!table.put("new:1", "v", kNow + 60, kNow));
    BOOST_TEST(region.events().full.load() == 1);
    BOOST_TEST(region.events().full_slot_count.load() == 16u);
    BOOST_TEST(!table.add("new:2", "v", kNow + 60, kNow + ShmTable::kFullWarningInterval - 1));
    BOOST_TEST(region.events().full.load() == 1);
    BOOST_TEST(!table.put("new:3", "v", kNow + 60, kNow + ShmTable::kFullWarningInterval));
    BOOST_TEST(region.events().full.load() == 2);
    // Replacing an existing key or refusing a live add is not "full".
    BOOST_TEST(table.put("k0", "w", kNow + 3600, kNow + 200));
    BOOST_TEST(!table.add("k1", "w", kNow + 3600, kNow + 200));
    BOOST_TEST(region.events().full.load() == 2);
}

BOOST_AUTO_TEST_CASE(the_once_a_minute_report_is_shared_by_every_handle_on_the_region) {
    SharedRegion region(16, 64);
    test::CountingEvents other_events;
    auto other = ShmTable::attach(region.region(), region.region_bytes(), region.lock(), &other_events);
    BOOST_REQUIRE(other);
    for (int i = 0; i < 16; ++i) BOOST_TEST(region.table().put("k" + std::to_string(i), "v", kNow + 3600, kNow));
    BOOST_TEST(!region.table().put("new:1", "v", kNow + 60, kNow));
    BOOST_TEST(!other->put("new:2", "v", kNow + 60, kNow + 1));
    BOOST_TEST(region.events().full.load() == 1);
    BOOST_TEST(other_events.full.load() == 0);
    BOOST_TEST(!other->put("new:3", "v", kNow + 60, kNow + ShmTable::kFullWarningInterval));
    BOOST_TEST(other_events.full.load() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
