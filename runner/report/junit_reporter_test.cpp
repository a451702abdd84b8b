#include "procpool/runner/report/junit_reporter.hpp"

#include <gtest/gtest.h>

namespace procpool::report {
namespace {

TEST(JunitXmlSafe, KeepsValidUtf8AndReplacesWhatXmlForbids) {
  EXPECT_EQ(JunitReporter::xml_safe("plain\ttext\n"), "plain\ttext\n");
  EXPECT_EQ(JunitReporter::xml_safe("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(JunitReporter::xml_safe(std::string("a\0b\x1b", 4)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(JunitReporter::xml_safe("\xFF\xC3"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(JunitReporter::xml_safe("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD")
      << "surrogates are not characters";
}

}  // namespace
}  // namespace procpool::report
