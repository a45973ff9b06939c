// The Boost.Test entry point: every *_test.cpp in this folder registers its suites.
#define BOOST_TEST_MODULE mod_ssoauth_unit
#include <boost/test/unit_test.hpp>
