// The jansson wrappers: parsing (duplicates refused), stable dumping, string
// members, and JsonPtr's ownership.
#include "core/json.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace ssoauth;

BOOST_AUTO_TEST_SUITE(json)

BOOST_AUTO_TEST_CASE(json_parse_reads_objects_and_arrays) {
    JsonPtr object = json_parse(R"({"a":1,"b":[true,null,"x"]})");
    BOOST_REQUIRE(object);
    BOOST_TEST(json_is_object(object.get()));
    BOOST_TEST(json_integer_value(json_object_get(object.get(), "a")) == 1);
    JsonPtr array = json_parse("[1,2]");
    BOOST_REQUIRE(array);
    BOOST_TEST(json_array_size(array.get()) == 2u);
}

BOOST_AUTO_TEST_CASE(json_parse_refuses_invalid_text_and_says_why) {
    for (const char* text : {"", "{", "{\"a\":}", "<html>", "{\"a\":1} trailing", "{'a':1}"}) {
        std::string error;
        BOOST_TEST(!json_parse(text, &error), text);
        BOOST_TEST(!error.empty(), text);
    }
}

BOOST_AUTO_TEST_CASE(json_parse_refuses_duplicate_member_names) {
    std::string error;
    BOOST_TEST(!json_parse(R"({"sub":"alice","sub":"mallory"})", &error));
    BOOST_TEST(error.find("duplicate") != std::string::npos, error);
    BOOST_TEST(!json_parse(R"({"o":{"k":1,"k":2}})"));
}

BOOST_AUTO_TEST_CASE(json_parse_refuses_a_bare_scalar) {
    BOOST_TEST(!json_parse("42"));
    BOOST_TEST(!json_parse("\"text\""));
    BOOST_TEST(!json_parse("null"));
}

BOOST_AUTO_TEST_CASE(json_parse_accepts_a_null_error_pointer) {
    BOOST_TEST(!json_parse("{", nullptr));
    BOOST_TEST(static_cast<bool>(json_parse("{}", nullptr)));
}

BOOST_AUTO_TEST_CASE(json_parse_reads_the_whole_length_so_a_nul_byte_is_an_error) {
    // The text is read by length, so a NUL inside it is an error, not an end.
    BOOST_TEST(!json_parse(std::string("{\"a\":1}\0garbage", 15)));
}

BOOST_AUTO_TEST_CASE(json_dump_is_compact_with_sorted_keys_by_default) {
    JsonPtr doc = json_parse(R"({ "b" : 2, "a" : [ 1 , "x" ] , "c": {"z":1,"y":2} })");
    BOOST_TEST(json_dump(doc.get()) == R"({"a":[1,"x"],"b":2,"c":{"y":2,"z":1}})");
}

BOOST_AUTO_TEST_CASE(json_dump_can_keep_insertion_order) {
    JsonPtr doc(json_object());
    json_object_set_new(doc.get(), "z", json_integer(1));
    json_object_set_new(doc.get(), "a", json_integer(2));
    BOOST_TEST(json_dump(doc.get(), false) == R"({"z":1,"a":2})");
    BOOST_TEST(json_dump(doc.get(), true) == R"({"a":2,"z":1})");
}

BOOST_AUTO_TEST_CASE(json_dump_writes_scalars_and_null) {
    JsonPtr text(json_string("a\"b"));
    BOOST_TEST(json_dump(text.get()) == R"("a\"b")");
    JsonPtr number(json_integer(-7));
    BOOST_TEST(json_dump(number.get()) == "-7");
    BOOST_TEST(json_dump(nullptr) == "null");
}

BOOST_AUTO_TEST_CASE(json_dump_round_trips_unicode) {
    const std::string text = "{\"name\":\"J\xC3\xA9r\xC3\xB4me \xE2\x82\xAC\"}";
    JsonPtr doc = json_parse(text);
    BOOST_REQUIRE(doc);
    BOOST_TEST(json_dump(doc.get()) == text);
}

BOOST_AUTO_TEST_CASE(json_string_member_returns_strings_only) {
    JsonPtr doc = json_parse(R"({"s":"v","empty":"","n":1,"nul":null,"o":{},"a":["x"]})");
    BOOST_TEST(json_string_member(doc.get(), "s") == "v");
    BOOST_TEST(json_string_member(doc.get(), "empty") == "");
    for (const char* key : {"n", "nul", "o", "a", "absent"}) BOOST_TEST(json_string_member(doc.get(), key) == "", key);
}

BOOST_AUTO_TEST_CASE(json_string_member_of_a_non_object_is_empty) {
    JsonPtr array = json_parse(R"(["s"])");
    BOOST_TEST(json_string_member(array.get(), "s") == "");
    BOOST_TEST(json_string_member(nullptr, "s") == "");
}

BOOST_AUTO_TEST_CASE(json_ptr_releases_its_reference) {
    json_t* raw = json_object();
    json_incref(raw);
    BOOST_TEST(raw->refcount == 2u);
    { JsonPtr owner(raw); }
    BOOST_TEST(raw->refcount == 1u);
    json_decref(raw);
}

BOOST_AUTO_TEST_SUITE_END()
