// The <base>/session document and its ISO 8601 dates.
#include "core/session_document.h"

#include "core/json.h"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

using namespace ssoauth;

BOOST_AUTO_TEST_SUITE(session_document)

namespace {
Session session_with(const std::string& claims_json) {
    Session s;
    s.issuer = "https://idp.test";
    s.client_id = "app";
    s.subject = "user-1";
    s.claims = json_parse(claims_json);
    if (!s.claims) throw std::runtime_error("bad test JSON: " + claims_json);
    s.expires_at = 1800000000;
    return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(iso8601_utc_is_what_javascript_to_iso_string_gives) {
    BOOST_TEST(iso8601_utc(0) == "1970-01-01T00:00:00.000Z");
    BOOST_TEST(iso8601_utc(1700000000) == "2023-11-14T22:13:20.000Z");
    BOOST_TEST(iso8601_utc(1800000000) == "2027-01-15T08:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(signed_out_document_is_exactly_user_null) {
    BOOST_TEST(session_endpoint_json(nullptr) == R"({"user":null})");
}

BOOST_AUTO_TEST_CASE(session_document_has_its_keys_in_the_contract_order) {
    Session s = session_with(
        R"({"role":"admin","email_verified":true,"name":"U Ser","email":"u@example.test","sub":"user-1"})");
    BOOST_TEST(session_endpoint_json(&s) ==
               R"({"user":{"id":"user-1","email":"u@example.test","name":"U Ser","role":"admin",)"
               R"("emailVerified":true},"expires":"2027-01-15T08:00:00.000Z"})");
}

BOOST_AUTO_TEST_CASE(role_defaults_to_user_and_missing_name_and_email_are_null) {
    Session s = session_with(R"({"sub":"user-1"})");
    BOOST_TEST(session_endpoint_json(&s) ==
               R"({"user":{"id":"user-1","email":null,"name":null,"role":"user","emailVerified":false},)"
               R"("expires":"2027-01-15T08:00:00.000Z"})");
}

BOOST_AUTO_TEST_CASE(non_string_claims_are_not_passed_as_strings) {
    Session s = session_with(R"({"name":42,"email":["a@x.test"],"role":true,"email_verified":"true"})");
    BOOST_TEST(session_endpoint_json(&s) ==
               R"({"user":{"id":"user-1","email":null,"name":null,"role":"user","emailVerified":false},)"
               R"("expires":"2027-01-15T08:00:00.000Z"})");
}

BOOST_AUTO_TEST_CASE(session_document_escapes_claim_text_as_json) {
    Session s = session_with(R"({"name":"A \"B\" </script>\u2028"})");
    std::string doc = session_endpoint_json(&s);
    JsonPtr parsed = json_parse(doc);
    BOOST_TEST_REQUIRE(parsed.get() != nullptr, doc);
    BOOST_TEST(json_string_member(json_object_get(parsed.get(), "user"), "name") == "A \"B\" </script>\xe2\x80\xa8");
}

BOOST_AUTO_TEST_SUITE_END()
