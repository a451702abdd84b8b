// Windows' quoting rules, checked on every platform by reading each command line back with the
// rules of CommandLineToArgvW (the Windows build also checks them against Windows itself:
// WindowsChild.EveryArgumentArrivesIntact).
#include "procpool/runner/process/windows_command_line.hpp"

#include <gtest/gtest.h>

#include "tricky_windows_arguments.hpp"

namespace procpool::process {
namespace {

TEST(WindowsCommandLine, PlainArgumentsAreNotQuoted) {
  EXPECT_EQ(quote_windows_argument("plain"), "plain");
  EXPECT_EQ(quote_windows_argument("C:\\dir\\file.txt"), "C:\\dir\\file.txt");
}

TEST(WindowsCommandLine, QuotesBackslashesAndEmptyArgumentsFollowTheRuntimesRules) {
  EXPECT_EQ(quote_windows_argument(""), "\"\"");
  EXPECT_EQ(quote_windows_argument("two words"), "\"two words\"");
  EXPECT_EQ(quote_windows_argument("say \"hi\""), "\"say \\\"hi\\\"\"");
  // A backslash run before a quote is doubled; one before the closing quote too.
  EXPECT_EQ(quote_windows_argument("a\\\"b"), "\"a\\\\\\\"b\"");
  EXPECT_EQ(quote_windows_argument("ends in \\"), "\"ends in \\\\\"");
  // Elsewhere backslashes are literal.
  EXPECT_EQ(quote_windows_argument("a b\\c"), "\"a b\\c\"");
}

TEST(WindowsCommandLine, EveryArgvComesBackIntact) {
  std::vector<std::string> argv = {"C:\\Program Files\\tool.exe"};
  argv.insert(argv.end(), tricky_windows_arguments().begin(), tricky_windows_arguments().end());
  auto line = windows_command_line(argv);
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(split_windows_command_line(*line), argv);
}

TEST(WindowsCommandLine, ALineLongerThanWindowsAllowsIsRefusedNamingItsLength) {
  auto at_limit = windows_command_line({"p", std::string(kMaxWindowsCommandLine - 3, 'a')});
  EXPECT_TRUE(at_limit);
  auto over = windows_command_line({"p", std::string(kMaxWindowsCommandLine - 2, 'a')});
  ASSERT_FALSE(over);
  EXPECT_NE(over.error().find("too long for Windows: 32767 characters"), std::string::npos)
      << over.error();
}

TEST(WindowsCommandLine, NonAsciiCountsInUtf16UnitsNotBytes) {
  // "é" is two bytes of UTF-8 but one UTF-16 unit: 16,000 of them fit.
  std::string accents;
  for (int i = 0; i < 16000; ++i) accents += "\xc3\xa9";
  EXPECT_TRUE(windows_command_line({"p", accents}));
}

TEST(WindowsCommandLine, TheShellGetsItsScriptVerbatimBetweenQuotes) {
  auto line = windows_command_line({"cmd.exe", "/d", "/s", "/c", "echo \"a b\" & exit 3"});
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "cmd.exe /d /s /c \"echo \"a b\" & exit 3\"");
  // Any other use of cmd.exe is quoted like every program's arguments.
  auto other = windows_command_line({"cmd.exe", "/c", "echo \"a b\""});
  ASSERT_TRUE(other);
  EXPECT_EQ(*other, "cmd.exe /c \"echo \\\"a b\\\"\"");
}

TEST(WindowsCommandLine, AnEmptyCommandOrAQuoteInTheProgramNameIsRefused) {
  EXPECT_FALSE(windows_command_line({}));
  EXPECT_FALSE(windows_command_line({""}));
  EXPECT_FALSE(windows_command_line({"a\"b"}));
}

}  // namespace
}  // namespace procpool::process
