#include "procpool/runner/core/capture.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

namespace procpool {
namespace {

TEST(Capture, KeepsSmallOutputInMemory) {
  Capture capture(1024);
  capture.append("hello ");
  capture.append("world");
  EXPECT_FALSE(capture.spilled());
  EXPECT_EQ(capture.str(), "hello world");
  EXPECT_EQ(capture.size(), 11u);
}

TEST(Capture, SpillsToAFileBeyondTheCapAndKeepsEveryByteInOrder) {
  Capture capture(100);
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    std::string chunk = std::to_string(i) + std::string(1, static_cast<char>(i % 256)) + ",";
    capture.append(chunk);
    expected += chunk;
  }
  EXPECT_TRUE(capture.spilled());
  EXPECT_EQ(capture.size(), expected.size());
  EXPECT_EQ(capture.str(), expected);
  EXPECT_EQ(capture.tail(10), expected.substr(expected.size() - 10));
}

TEST(Capture, IsBinarySafe) {
  Capture capture(4);
  const std::string bytes("\0\xff\n\0abc", 7);
  capture.append(bytes);
  EXPECT_EQ(capture.str(), bytes);
}

TEST(Capture, MovesOwnershipOfItsSpillFile) {
  Capture a(2);
  a.append("spilled bytes");
  Capture b(std::move(a));
  EXPECT_EQ(b.str(), "spilled bytes");
  EXPECT_EQ(a.size(), 0u);
}

TEST(Capture, SaysWhyWhenItCannotSpill) {
  const char* saved = std::getenv("TMPDIR");
  const std::string previous = saved ? saved : "";
  ::setenv("TMPDIR", "/nonexistent-procpool-dir", 1);
  Capture capture(4);
  capture.append("12345678");
  if (saved)
    ::setenv("TMPDIR", previous.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
  EXPECT_NE(capture.error().find("/nonexistent-procpool-dir"), std::string::npos)
      << capture.error();
}

}  // namespace
}  // namespace procpool
