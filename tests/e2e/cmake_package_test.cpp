// The CMake package as users consume it: install procpool into a temporary prefix, then
// configure, build and test examples/cmake-consumer against it.
#include <cstdlib>
#include <filesystem>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

class CmakePackage : public CliTest {
 protected:
  // Runs a shell command, its output into `log`; returns its exit status.
  int sh(const std::string& command, const std::string& log) {
    const int status = std::system(("(" + command + ") > '" + dir_.file(log) + "' 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // Configures a project that calls procpool_add_gtest as `calls` do; expects it to fail with
  // `message`.
  void expect_configure_error(const std::string& calls, const std::string& message) {
    const std::string src = dir_.file("bad");
    std::filesystem::create_directories(src);
    write_file(src + "/CMakeLists.txt",
               "cmake_minimum_required(VERSION 3.25)\nproject(bad NONE)\nenable_testing()\n"
               "add_executable(procpool::cli IMPORTED)\ninclude(\"" PROCPOOL_SOURCE_DIR
               "/cmake/ProcpoolGtest.cmake\")\n" +
                   calls);
    EXPECT_NE(sh("cmake -G Ninja -S '" + src + "' -B '" + src + "/b'", "bad.log"), 0);
    EXPECT_NE(read_file(dir_.file("bad.log")).find(message), std::string::npos)
        << read_file(dir_.file("bad.log"));
  }
  TempDir dir_;
};

TEST_F(CmakePackage, AConsumerFindsItAndRunsItsGtestsThroughProcpoolUnderCtest) {
  const std::string prefix = dir_.file("prefix");
  const std::string build = dir_.file("consumer");
  ASSERT_EQ(sh("cmake --install '" PROCPOOL_BUILD_DIR "' --prefix '" + prefix + "'", "install.log"),
            0)
      << read_file(dir_.file("install.log"));
  ASSERT_EQ(sh("cmake -S '" PROCPOOL_SOURCE_DIR "/examples/cmake-consumer' -B '" + build +
                   "' -G Ninja -DCMAKE_PREFIX_PATH='" + prefix +
                   "' -DCONSUMER_FAILING_TEST=ON"
                   // A sanitizer build installs instrumented libraries: build the consumer alike.
                   " -DCMAKE_CXX_FLAGS='" PROCPOOL_CXX_FLAGS "'",
               "configure.log"),
            0)
      << read_file(dir_.file("configure.log"));
  ASSERT_EQ(sh("cmake --build '" + build + "' -j2", "build.log"), 0)
      << read_file(dir_.file("build.log"));

  // Two shards, labelled; the failing case fails exactly its shard, with its output shown.
  ASSERT_EQ(sh("ctest --test-dir '" + build + "' -N -L unit", "list.log"), 0);
  EXPECT_NE(read_file(dir_.file("list.log")).find("Total Tests: 2"), std::string::npos)
      << read_file(dir_.file("list.log"));
  EXPECT_NE(sh("ctest --test-dir '" + build + "' --output-on-failure", "ctest.log"), 0);
  const std::string ctest = read_file(dir_.file("ctest.log"));
  EXPECT_NE(ctest.find("1 tests failed out of 2"), std::string::npos) << ctest;
  EXPECT_NE(ctest.find("consumer-failure-marker"), std::string::npos) << ctest;
  EXPECT_NE(ctest.find("[  FAILED  ] Broken.Fails"), std::string::npos) << ctest;
  // BATCH 4 reached procpool: the failing case was confirmed alone after failing in its batch.
  EXPECT_NE(ctest.find("[ CONFIRM  ] Broken.Fails"), std::string::npos) << ctest;
  // Each shard wrote its JUnit report into the build tree.
  EXPECT_TRUE(std::filesystem::exists(build + "/procpool/consumer_tests_shard_1_of_2.xml"));
  EXPECT_TRUE(std::filesystem::exists(build + "/procpool/consumer_tests_shard_2_of_2.xml"));

  // procpool::procpool links and runs.
  ASSERT_EQ(sh("'" + build + "/consumer_tool'", "tool.log"), 0) << read_file(dir_.file("tool.log"));
  EXPECT_NE(read_file(dir_.file("tool.log")).find("echo beta -> exit 0: beta"), std::string::npos);
}

TEST_F(CmakePackage, InstallsShellCompletionThatCompletesCommandsAndFlags) {
  const std::string prefix = dir_.file("prefix");
  ASSERT_EQ(sh("cmake --install '" PROCPOOL_BUILD_DIR "' --prefix '" + prefix + "'", "install.log"),
            0)
      << read_file(dir_.file("install.log"));
  const std::string bash = prefix + "/share/bash-completion/completions/procpool";
  ASSERT_TRUE(std::filesystem::exists(bash));
  EXPECT_TRUE(std::filesystem::exists(prefix + "/share/zsh/site-functions/_procpool"));
  // What bash does on TAB: COMP_WORDS/COMP_CWORD set, the function called, COMPREPLY read.
  auto complete = [&](const std::string& words, int cword) {
    sh("bash -c 'source \"" + bash + "\"; COMP_WORDS=(" + words +
           "); COMP_CWORD=" + std::to_string(cword) + "; _procpool; echo \"${COMPREPLY[*]}\"'",
       "complete.log");
    return read_file(dir_.file("complete.log"));
  };
  EXPECT_EQ(complete(prefix + "/bin/procpool r", 1), "run\n");
  EXPECT_EQ(complete(prefix + "/bin/procpool run --jo", 2), "--joblog --jobs\n");
  EXPECT_EQ(complete(prefix + "/bin/procpool ctest --resource-s", 2), "--resource-spec-file\n");
}

TEST_F(CmakePackage, InstallsAManPagePerCommandMadeFromItsHelp) {
  const std::string prefix = dir_.file("prefix");
  ASSERT_EQ(sh("cmake --install '" PROCPOOL_BUILD_DIR "' --prefix '" + prefix + "'", "install.log"),
            0)
      << read_file(dir_.file("install.log"));
  for (const std::string page : {"procpool", "procpool-run", "procpool-gtest", "procpool-ctest",
                                 "procpool-merge", "procpool-bench"}) {
    const std::string path = prefix + "/share/man/man1/" + page + ".1";
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    // troff source (man itself may not be installed): a title line with the version, and the
    // command's own --help text, flags written as troff writes them (\- for -).
    const std::string text = read_file(path);
    EXPECT_NE(text.find(".TH PROCPOOL"), std::string::npos) << page << "\n" << text;
    EXPECT_NE(text.find("\"procpool 0."), std::string::npos) << page << ": no version\n" << text;
    if (page == "procpool-run") {
      EXPECT_NE(text.find("\\fB\\-\\-resume\\-failed\\fR"), std::string::npos) << text;
      EXPECT_NE(text.find("Inputs as GNU parallel reads them"), std::string::npos) << text;
    }
    if (page == "procpool-gtest") {
      EXPECT_NE(text.find("\\fB\\-\\-batch\\fR"), std::string::npos) << text;
    }
  }
}

TEST_F(CmakePackage, TheCliComponentNeedsNoBoostOrCereal) {
  const std::string prefix = dir_.file("prefix");
  ASSERT_EQ(sh("cmake --install '" PROCPOOL_BUILD_DIR "' --prefix '" + prefix + "'", "install.log"),
            0)
      << read_file(dir_.file("install.log"));
  const std::string src = dir_.file("cli-only");
  std::filesystem::create_directories(src);
  // Boost and cereal made unfindable, as on a machine without their development files.
  auto configure = [&](const std::string& components, const std::string& log) {
    write_file(
        src + "/CMakeLists.txt",
        "cmake_minimum_required(VERSION 3.25)\nproject(cli_only NONE)\nenable_testing()\n"
        "find_package(procpool CONFIG REQUIRED COMPONENTS " +
            components +
            ")\n"
            "if(TARGET procpool::procpool)\n  message(FATAL_ERROR \"library loaded\")\nendif()\n"
            "if(NOT COMMAND procpool_add_gtest)\n  message(FATAL_ERROR \"no "
            "procpool_add_gtest\")\nendif()\n"
            "add_test(NAME version COMMAND procpool::cli --version)\n");
    std::filesystem::remove_all(src + "/b");
    return sh("cmake -G Ninja -S '" + src + "' -B '" + src + "/b' -DCMAKE_PREFIX_PATH='" + prefix +
                  "' -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON -DCMAKE_DISABLE_FIND_PACKAGE_cereal=ON",
              log);
  };
  ASSERT_EQ(configure("cli", "cli.log"), 0) << read_file(dir_.file("cli.log"));
  EXPECT_EQ(sh("ctest --test-dir '" + src + "/b' --output-on-failure", "ctest.log"), 0)
      << read_file(dir_.file("ctest.log"));
  // The library does need them: the same machine cannot have it (so the check above means it).
  EXPECT_NE(configure("library", "library.log"), 0) << read_file(dir_.file("library.log"));
  EXPECT_NE(configure("nope", "nope.log"), 0);
  EXPECT_NE(read_file(dir_.file("nope.log")).find("no component 'nope'"), std::string::npos)
      << read_file(dir_.file("nope.log"));
}

TEST_F(CmakePackage, JunitGoesToTheTopBuildDirectoryEvenFromASubdirectory) {
  const std::string src = dir_.file("nested");
  std::filesystem::create_directories(src + "/sub");
  write_file(src + "/CMakeLists.txt",
             "cmake_minimum_required(VERSION 3.25)\nproject(nested NONE)\nenable_testing()\n"
             "add_executable(procpool::cli IMPORTED GLOBAL)\n"
             "set_target_properties(procpool::cli PROPERTIES IMPORTED_LOCATION /bin/true)\n"
             "include(\"" PROCPOOL_SOURCE_DIR
             "/cmake/ProcpoolGtest.cmake\")\n"
             "add_subdirectory(sub)\n");
  write_file(src + "/sub/CMakeLists.txt",
             "add_executable(t IMPORTED)\n"
             "set_target_properties(t PROPERTIES IMPORTED_LOCATION /bin/true)\n"
             "procpool_add_gtest(t)\n");
  ASSERT_EQ(sh("cmake -G Ninja -S '" + src + "' -B '" + src + "/b'", "nested.log"), 0)
      << read_file(dir_.file("nested.log"));
  ASSERT_EQ(sh("cd '" + src + "/b' && ctest --show-only=json-v1", "tests.json"), 0);
  const std::string tests = read_file(dir_.file("tests.json"));
  EXPECT_NE(tests.find("\"" + src + "/b/procpool/t.xml\""), std::string::npos)
      << "the README's <build>/procpool/<test>.xml\n"
      << tests;
}

TEST_F(CmakePackage, ProcpoolAddGtestRejectsBadArguments) {
  expect_configure_error("procpool_add_gtest(no_such_target)\n",
                         "no target named 'no_such_target'");
}

TEST_F(CmakePackage, ProcpoolAddGtestRejectsABadBatchSize) {
  expect_configure_error("add_executable(t IMPORTED)\nprocpool_add_gtest(t BATCH lots)\n",
                         "BATCH must be a positive number or auto");
}

}  // namespace
}  // namespace procpool::testing
