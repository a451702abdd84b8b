// CTest's resource allocation: a resource spec file (`--resource-spec-file`, CTest's JSON format)
// says which resources the machine has (`"gpus": [{"id": "0", "slots": 2}, ...]`); a test's
// RESOURCE_GROUPS say how many slots of which types each of its groups needs. A test starts only
// when every requirement fits in one resource's free slots; it holds them while it runs and gets
// CTest's variables (CTEST_RESOURCE_GROUP_COUNT, CTEST_RESOURCE_GROUP_<i>,
// CTEST_RESOURCE_GROUP_<i>_<TYPE> = "id:<id>,slots:<n>;..."). A test that could not fit even on
// an idle machine is "Not Run" ("Insufficient resources"), as in CTest.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "procpool/runner/core/result.hpp"
#include "procpool/runner/core/task.hpp"
#include "procpool/runner/schedule/scheduler.hpp"

namespace procpool::ctest {

struct Resource {
  std::string id;
  unsigned slots = 1;
};

// Resource types by name, each resource in the order the file lists them.
struct ResourceSpec {
  std::map<std::string, std::vector<Resource>> types;
  std::string path;  // as given, for messages
};

// Reads CTest's resource spec format (version 1.0, one "local" entry); fails naming the problem.
Result<ResourceSpec> parse_resource_spec(std::string_view text, const std::string& path);
Result<ResourceSpec> load_resource_spec(const std::string& path);

// One group of a test: slots needed per type, one entry per requirement.
struct Requirement {
  std::string type;
  unsigned slots = 1;
};
using ResourceGroup = std::vector<Requirement>;

// Keeps track of free slots; admits a test (by its report name's groups) when all fit.
class ResourceAllocator final : public schedule::Admission {
 public:
  ResourceAllocator(ResourceSpec spec, std::map<std::string, std::vector<ResourceGroup>> groups);

  bool admit(std::size_t index, const TaskSpec& task) override;
  void release(std::size_t index) override;

  // CTest's variables for a running task (COUNT=0 for a test without groups).
  std::vector<EnvVar> environment(std::size_t index) const;
  // Why the test can never run here (CTest's detail text), or nullopt.
  std::optional<std::string> insufficient(const std::string& test) const;

 private:
  // Per group, per requirement: the chosen resource's index in its type's list.
  using Allocation = std::vector<std::vector<std::size_t>>;
  std::optional<Allocation> allocate(const std::vector<ResourceGroup>& groups,
                                     std::map<std::string, std::vector<unsigned>> free) const;

  ResourceSpec spec_;
  std::map<std::string, std::vector<ResourceGroup>> groups_;        // by test name
  std::map<std::string, std::vector<unsigned>> free_;               // by type, per resource
  std::map<std::size_t, std::pair<std::string, Allocation>> held_;  // by task index
};

}  // namespace procpool::ctest
