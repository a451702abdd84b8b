#include "procpool/adapters/ctest/resource_groups.hpp"

#include <map>

#include <gtest/gtest.h>

namespace procpool::ctest {
namespace {

TaskSpec test_named(const std::string& name) {
  TaskSpec task;
  task.name = name;
  task.test = TestIdentity{"/b", "", name};
  return task;
}

std::map<std::string, std::string> as_map(const std::vector<EnvVar>& env) {
  std::map<std::string, std::string> m;
  for (const auto& var : env) m[var.name] = var.value;
  return m;
}

ResourceSpec two_gpus() {
  auto spec = parse_resource_spec(R"({"version": {"major": 1, "minor": 0}, "local": [{
      "gpus": [{"id": "0", "slots": 2}, {"id": "1", "slots": 4}],
      "crypto_chips": [{"id": "card0"}]}]})",
                                  "spec.json");
  EXPECT_TRUE(spec) << spec.error();
  return *spec;
}

TEST(ResourceAllocator, AdmitsWhileSlotsLastAndAgainAfterRelease) {
  ResourceAllocator allocator(two_gpus(), {{"t", {{{"gpus", 3}}}}});
  const TaskSpec t = test_named("t");
  EXPECT_TRUE(allocator.admit(0, t)) << "gpu 1 has 4 slots";
  EXPECT_FALSE(allocator.admit(1, t)) << "1 slot left on gpu 1, 2 on gpu 0: 3 fit nowhere";
  allocator.release(0);
  EXPECT_TRUE(allocator.admit(1, t));
  EXPECT_EQ(as_map(allocator.environment(1)),
            (std::map<std::string, std::string>{{"CTEST_RESOURCE_GROUP_COUNT", "1"},
                                                {"CTEST_RESOURCE_GROUP_0", "gpus"},
                                                {"CTEST_RESOURCE_GROUP_0_GPUS", "id:1,slots:3"}}));
}

TEST(ResourceAllocator, BacktracksToFitEveryGroup) {
  // Greedy "most free first" puts the 2 on gpu 1 (4 free); then the 4 fits nowhere. Backtracking
  // finds 2 on gpu 0 and 4 on gpu 1.
  ResourceAllocator allocator(two_gpus(), {{"t", {{{"gpus", 2}}, {{"gpus", 4}}}}});
  EXPECT_TRUE(allocator.admit(0, test_named("t")));
  const auto env = as_map(allocator.environment(0));
  EXPECT_EQ(env.at("CTEST_RESOURCE_GROUP_COUNT"), "2");
  EXPECT_NE(env.at("CTEST_RESOURCE_GROUP_0_GPUS"), env.at("CTEST_RESOURCE_GROUP_1_GPUS"));
}

TEST(ResourceAllocator, ATestThatCanNeverFitIsSaidSoAndNeverWaitedFor) {
  ResourceAllocator allocator(two_gpus(), {{"big", {{{"gpus", 5}}}}, {"odd", {{{"fpgas", 1}}}}});
  ASSERT_TRUE(allocator.insufficient("big"));
  EXPECT_NE(allocator.insufficient("big")->find("'1': 4 slots"), std::string::npos);
  EXPECT_TRUE(allocator.insufficient("odd"));
  EXPECT_FALSE(allocator.insufficient("other"));
  EXPECT_TRUE(allocator.admit(0, test_named("big"))) << "admitted, to be reported Not Run";
  EXPECT_EQ(as_map(allocator.environment(5)),
            (std::map<std::string, std::string>{{"CTEST_RESOURCE_GROUP_COUNT", "0"}}));
}

TEST(ResourceSpecFile, BadFilesAreRefusedNamingTheProblem) {
  for (const char* text :
       {"[]", R"({"local": [{}]})", R"({"version": {"major": 2}, "local": [{}]})",
        R"({"version": {"major": 1}, "local": [{"GPUs": []}]})",
        R"({"version": {"major": 1}, "local": [{"gpus": [{"slots": 1}]}]})",
        R"({"version": {"major": 1}, "local": [{"gpus": [{"id": "0", "slots": -1}]}]})"}) {
    const auto spec = parse_resource_spec(text, "f.json");
    ASSERT_FALSE(spec) << text;
    EXPECT_NE(spec.error().find("f.json"), std::string::npos) << spec.error();
  }
}

}  // namespace
}  // namespace procpool::ctest
