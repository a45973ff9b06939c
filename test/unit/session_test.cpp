// The session model: its JSON codec and the sealed-text framing (deflated or not).
#include "core/session.h"

#include "core/compress.h"
#include "session_samples.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;
using test::sample_session;

BOOST_AUTO_TEST_SUITE(session)

BOOST_AUTO_TEST_CASE(json_round_trip_keeps_every_field) {
    auto back = Session::from_json(sample_session().to_json());
    BOOST_REQUIRE(back);
    BOOST_TEST(back->subject == "user-1");
    BOOST_TEST(back->sid == "sid-1");
    BOOST_TEST(back->refresh_token == "rt");
    BOOST_TEST(back->expires_at == 5000);
    BOOST_TEST(back->claim_text("email") == "u@example.test");
    BOOST_TEST(back->claim_text("groups") == "a,b");
    BOOST_TEST(back->claim_text("n") == "5");
    BOOST_TEST(back->claim_text("absent") == "");
}

BOOST_AUTO_TEST_CASE(sessions_are_sealed_deflated_and_read_back_in_either_form) {
    Session s;
    s.issuer = "https://idp.test/api/auth";
    s.client_id = "app";
    s.subject = "user-1";
    s.claims = json_parse(R"({"sub":"user-1","email":"u@example.test","name":"A Name","groups":["a","b","c"]})");
    s.id_token = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2ln";
    s.access_token = "at";
    const std::string packed = s.to_sealed_text();
    BOOST_TEST(packed.size() < s.to_json().size());
    BOOST_TEST(packed[0] == 'z');
    BOOST_TEST(Session::from_sealed_text(packed)->claim_text("email") == "u@example.test");
    BOOST_TEST(Session::from_sealed_text(s.to_json())->subject == "user-1");  // plain JSON still reads
    BOOST_TEST(!Session::from_sealed_text("z" + deflate_bytes("[1,2,3]")));
}

BOOST_AUTO_TEST_CASE(documents_of_another_version_or_without_a_subject_are_refused) {
    BOOST_TEST(!Session::from_json(R"({"v":2,"sub":"user-1","claims":{}})"));
    BOOST_TEST(!Session::from_json(R"({"v":1,"claims":{}})"));
    BOOST_TEST(!Session::from_json(R"({"v":1,"sub":"user-1","claims":[]})"));
    BOOST_TEST(!Session::from_json("not json"));
    BOOST_TEST(Session::from_json(R"({"v":1,"sub":"user-1","claims":{}})").has_value());
}

BOOST_AUTO_TEST_CASE(a_clone_does_not_share_the_claims) {
    const Session original = sample_session();
    Session copy = original.clone();
    json_object_set_new(copy.claims.get(), "email", json_string("changed@example.test"));
    BOOST_TEST(original.claim_text("email") == "u@example.test");
    BOOST_TEST(copy.claim_text("email") == "changed@example.test");
}

BOOST_AUTO_TEST_SUITE_END()
