#include "procpool/adapters/ctest/ctest_source.hpp"

#include "procpool/adapters/ctest/ctest_fixtures.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "procpool/runner/core/duration.hpp"
#include "procpool/runner/process/child.hpp"

namespace procpool::ctest {
namespace {

std::vector<std::string> strings_of(const nlohmann::json& value) {
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const auto& v : value) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  } else if (value.is_string()) {
    out.push_back(value.get<std::string>());
  }
  return out;
}

}  // namespace

const std::vector<std::string>& supported_properties() {
  static const std::vector<std::string> names{"COST",
                                              "DEPENDS",
                                              "DISABLED",
                                              "ENVIRONMENT",
                                              "ENVIRONMENT_MODIFICATION",
                                              "FAIL_REGULAR_EXPRESSION",
                                              "FIXTURES_CLEANUP",
                                              "FIXTURES_REQUIRED",
                                              "FIXTURES_SETUP",
                                              "LABELS",
                                              "PASS_REGULAR_EXPRESSION",
                                              "PROCESSORS",
                                              "REQUIRED_FILES",
                                              "RESOURCE_GROUPS",
                                              "RESOURCE_LOCK",
                                              "RUN_SERIAL",
                                              "SKIP_REGULAR_EXPRESSION",
                                              "SKIP_RETURN_CODE",
                                              "TIMEOUT",
                                              "TIMEOUT_AFTER_MATCH",
                                              "WILL_FAIL",
                                              "WORKING_DIRECTORY"};
  return names;
}

bool changes_how_ctest_runs(const std::string& property) {
  // Newer CTests' run-time properties (3.27: TIMEOUT_SIGNAL_*, 3.28: GENERATED_RESOURCE_SPEC_FILE)
  // that the ctest procpool is built and tested with (3.25, Debian 12) does not know either: a
  // tree written for a newer ctest is warned that they are not honoured. The rest (ATTACHED_FILES,
  // MEASUREMENT, a project's own properties...) change nothing about how or whether a test runs;
  // ctest ignores them too. PROCESSOR_AFFINITY is one of those here: measured, ctest 3.25 on
  // Debian 12 leaves a test's CPU set as it is (tests/ctest_parity_project checks it).
  static const std::set<std::string> names{"TIMEOUT_SIGNAL_NAME", "TIMEOUT_SIGNAL_GRACE_PERIOD",
                                           "GENERATED_RESOURCE_SPEC_FILE"};
  return names.count(property) > 0;
}

std::string clamp_json_numbers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[i + 1];
        i += 2;
        continue;
      }
      in_string = c != '"';
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      ++i;
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i + 1;
      while (end < text.size() && std::strchr("0123456789.eE+-", text[end])) ++end;
      const std::string number(text.substr(i, end - i));
      errno = 0;
      const double value = std::strtod(number.c_str(), nullptr);
      if (errno == ERANGE && std::isinf(value)) {
        out += value < 0 ? "-1.7976931348623157e308" : "1.7976931348623157e308";
      } else {
        out += number;
      }
      i = end;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

namespace {

bool is_test_list(const nlohmann::json& doc) {
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("tests") || !doc["tests"].is_array())
    return false;
  const auto kind = doc.find("kind");
  return kind != doc.end() && kind->is_string() && *kind == "ctestInfo";
}

// The json-v1 document in ctest's output. Usually the output is just that; a tree whose
// CTestCustom.cmake sets CTEST_CUSTOM_PRE_TEST prints that command's output first, so the
// document is looked for at each line that starts with '{'.
nlohmann::json find_test_list(std::string_view text) {
  // CTest writes an infinite TIMEOUT (1e400 in a CMakeLists) as 1e+9999, which no JSON parser
  // takes: read numbers beyond a double as the largest double.
  const std::string clamped = clamp_json_numbers(text);
  auto doc = nlohmann::json::parse(clamped, nullptr, /*allow_exceptions=*/false);
  if (is_test_list(doc)) return doc;
  constexpr int kMostTries = 1000;
  int tries = 0;
  for (std::size_t at = clamped.find("\n{"); at != std::string::npos && tries < kMostTries;
       at = clamped.find("\n{", at + 1), ++tries) {
    doc = nlohmann::json::parse(clamped.begin() + static_cast<std::ptrdiff_t>(at) + 1,
                                clamped.end(), nullptr, /*allow_exceptions=*/false);
    if (is_test_list(doc)) return doc;
  }
  return nlohmann::json::value_t::discarded;
}

// Where each test is declared: json-v1's "backtrace" is a node of "backtraceGraph" (the add_test()
// call), whose parents are the calls that led to it. A project's helper function (Eigen's
// ei_add_test) would put every test at the add_test() in its body, so the place is the first
// statement, from the call outwards, that a listfile runs itself (not inside a function or
// macro): `ei_add_test(meta)` in test/CMakeLists.txt, or add_test() itself when called directly.
class AddTestCalls {
 public:
  explicit AddTestCalls(const nlohmann::json& doc) {
    const auto graph = doc.find("backtraceGraph");
    if (graph == doc.end() || !graph->is_object()) return;
    if (graph->contains("files")) files_ = strings_of((*graph)["files"]);
    if (graph->contains("commands")) commands_ = strings_of((*graph)["commands"]);
    if (graph->contains("nodes") && (*graph)["nodes"].is_array()) nodes_ = &(*graph)["nodes"];
  }
  void locate(const nlohmann::json& entry, TestIdentity& test) const {
    const auto backtrace = entry.find("backtrace");
    if (backtrace == entry.end()) return;
    const nlohmann::json* call = node(*backtrace);
    // Bounded: a hostile graph may loop.
    for (std::size_t steps = 0; call && steps < 1000 && !at_listfile_level(*call); ++steps) {
      const nlohmann::json* parent = node(call->value("parent", nlohmann::json()));
      if (!parent || !parent->contains("line")) break;
      call = parent;
    }
    if (!call) return;
    const auto file = call->find("file");
    const auto line = call->find("line");
    if (file == call->end() || !file->is_number_unsigned() ||
        file->get<std::uint64_t>() >= files_.size()) {
      return;
    }
    test.file = files_[file->get<std::size_t>()];
    if (line != call->end() && line->is_number_unsigned() &&
        line->get<std::uint64_t>() <= std::numeric_limits<unsigned>::max()) {
      test.line = line->get<unsigned>();
    }
  }

 private:
  const nlohmann::json* node(const nlohmann::json& index) const {
    if (!nodes_ || !index.is_number_unsigned() || index.get<std::uint64_t>() >= nodes_->size())
      return nullptr;
    const auto& found = (*nodes_)[index.get<std::size_t>()];
    return found.is_object() ? &found : nullptr;
  }
  // Run by a listfile itself: no parent, a parent that is a file (no command), or a parent that
  // is an include() or add_subdirectory() of that listfile.
  bool at_listfile_level(const nlohmann::json& call) const {
    const nlohmann::json* parent = node(call.value("parent", nlohmann::json()));
    if (!parent) return true;
    const auto command = parent->find("command");
    if (command == parent->end() || !command->is_number_unsigned()) return true;
    const auto index = command->get<std::uint64_t>();
    if (index >= commands_.size()) return true;
    const std::string& name = commands_[index];
    return name == "include" || name == "add_subdirectory" || name == "subdirs";
  }

  std::vector<std::string> files_;
  std::vector<std::string> commands_;
  const nlohmann::json* nodes_ = nullptr;
};

// A test's directory relative to the build tree (its WORKING_DIRECTORY defaults to the
// directory that added it): how `ctest` users find it. "" at the top or outside the tree.
std::string directory_in_build_tree(const std::string& working_dir, const std::string& build_dir) {
  const auto relative =
      std::filesystem::path(working_dir).lexically_relative(std::filesystem::path(build_dir));
  if (relative.empty() || *relative.begin() == ".." || relative == ".") return {};
  return relative.string();
}

}  // namespace

Result<CtestSuite> parse_ctest_json(std::string_view text, const std::string& build_dir,
                                    const EnvLookup& getenv) {
  CtestSuite suite;
  const auto doc = find_test_list(text);
  if (!is_test_list(doc)) {
    return fail(
        "ctest --show-only=json-v1 did not print a test list (procpool ctest needs CTest 3.14 or "
        "newer, the first with json-v1; check `ctest --version`)");
  }
  std::set<std::string> unsupported;
  const auto& supported = supported_properties();
  const AddTestCalls add_test_calls(doc);
  for (const auto& entry : doc["tests"]) {
    CtestTest test;
    TaskSpec& task = test.task;
    const std::string name = entry.value("name", "");
    task.test = TestIdentity{build_dir, "", name};
    add_test_calls.locate(entry, *task.test);
    if (entry.contains("command") && entry["command"].is_array() && !entry["command"].empty()) {
      task.command.argv = strings_of(entry["command"]);
      task.name = shell_join(task.command.argv);
    } else {
      task.name = name;
      test.rules.executable_missing = true;
    }
    std::vector<std::string> environment_modification;
    for (const auto& property : entry.value("properties", nlohmann::json::array())) {
      const std::string key = property.value("name", "");
      const auto& value = property.contains("value") ? property["value"] : nlohmann::json();
      if (std::find(supported.begin(), supported.end(), key) == supported.end()) {
        if (changes_how_ctest_runs(key)) unsupported.insert(key);
      } else if (key == "WORKING_DIRECTORY") {
        task.command.working_dir = value.is_string() ? value.get<std::string>() : "";
        task.test->directory = directory_in_build_tree(task.command.working_dir, build_dir);
      } else if (key == "LABELS") {
        task.test->labels = strings_of(value);
      } else if (key == "ENVIRONMENT") {
        for (const auto& assignment : strings_of(value)) {
          const auto eq = assignment.find('=');
          task.command.env.push_back(
              {assignment.substr(0, eq), eq == std::string::npos ? "" : assignment.substr(eq + 1)});
        }
      } else if (key == "TIMEOUT" && value.is_number()) {
        // Zero or less: no timeout of its own; beyond kMaxSeconds (1e400 is CTest's "never"):
        // as good as none, and never an overflow.
        const double seconds = std::min(value.get<double>(), kMaxSeconds);
        if (seconds > 0) task.timeout = std::chrono::milliseconds(std::llround(seconds * 1000));
      } else if (key == "RUN_SERIAL") {
        task.run_serial = value.is_boolean() && value.get<bool>();
      } else if (key == "RESOURCE_LOCK") {
        task.resource_locks = strings_of(value);
      } else if (key == "WILL_FAIL") {
        test.rules.will_fail = value.is_boolean() && value.get<bool>();
      } else if (key == "DISABLED") {
        test.disabled = value.is_boolean() && value.get<bool>();
      } else if (key == "SKIP_RETURN_CODE" && value.is_number_integer()) {
        test.rules.skip_return_code = value.get<int>();
      } else if (key == "PASS_REGULAR_EXPRESSION") {
        test.rules.pass_patterns = strings_of(value);
      } else if (key == "FAIL_REGULAR_EXPRESSION") {
        test.rules.fail_patterns = strings_of(value);
      } else if (key == "SKIP_REGULAR_EXPRESSION") {
        test.rules.skip_patterns = strings_of(value);
      } else if (key == "REQUIRED_FILES") {
        test.rules.required_files = strings_of(value);
      } else if (key == "ENVIRONMENT_MODIFICATION") {
        environment_modification = strings_of(value);
      } else if (key == "DEPENDS") {
        for (const auto& dependency : strings_of(value)) task.after.push_back(dependency);
      } else if (key == "FIXTURES_SETUP") {
        test.fixtures_setup = strings_of(value);
      } else if (key == "FIXTURES_REQUIRED") {
        test.fixtures_required = strings_of(value);
      } else if (key == "FIXTURES_CLEANUP") {
        test.fixtures_cleanup = strings_of(value);
      } else if (key == "PROCESSORS" && value.is_number_integer()) {
        task.processors =
            static_cast<unsigned>(std::clamp<long long>(value.get<long long>(), 1, 1 << 20));
      } else if (key == "COST" && value.is_number()) {
        task.cost = value.get<double>();
      } else if (key == "RESOURCE_GROUPS" && value.is_array()) {
        // json-v1: [{"requirements": [{".type": "gpus", "slots": 2}, ...]}, ...], one entry per
        // group (a count prefix already expanded).
        for (const auto& group : value) {
          ResourceGroup requirements;
          if (group.is_object() && group.contains("requirements") &&
              group["requirements"].is_array()) {
            for (const auto& r : group["requirements"]) {
              if (!r.is_object() || !r.contains(".type") || !r[".type"].is_string()) continue;
              const auto& slots = r.contains("slots") ? r["slots"] : nlohmann::json(1);
              requirements.push_back({r[".type"].get<std::string>(),
                                      slots.is_number_unsigned() ? slots.get<unsigned>() : 1u});
            }
          }
          test.resource_groups.push_back(std::move(requirements));
        }
      } else if (key == "TIMEOUT_AFTER_MATCH" && value.is_object()) {
        // json-v1: {"regex": [...], "timeout": seconds}
        const auto seconds = value.find("timeout");
        if (seconds != value.end() && seconds->is_number() && value.contains("regex")) {
          test.rules.timeout_after_match = CtestRules::TimeoutAfterMatch{
              std::clamp(seconds->get<double>(), 0.0, kMaxSeconds), strings_of(value["regex"])};
        }
      }
    }
    // After ENVIRONMENT, whatever order the properties came in.
    if (!environment_modification.empty()) {
      if (auto applied = apply_environment_modification(task, environment_modification, getenv);
          !applied) {
        test.rules.bad_command = applied.error();
      }
    }
    suite.tests.push_back(std::move(test));
  }
  link_fixtures(suite.tests);
  suite.unsupported.assign(unsupported.begin(), unsupported.end());
  return suite;
}

std::shared_ptr<process::Child> start_ctest_listing(boost::asio::io_context& io,
                                                    const std::string& build_dir,
                                                    const std::vector<std::string>& selection_args,
                                                    std::function<void(Result<CtestSuite>)> done) {
  process::SpawnRequest request;
  request.argv = {"ctest", "--show-only=json-v1"};
  request.argv.insert(request.argv.end(), selection_args.begin(), selection_args.end());
  request.working_dir = build_dir;
  process::ChildOptions options;
  options.timeout = std::chrono::seconds(120);
  options.capture_memory_cap = 64u << 20;
  return process::Child::start(
      io, request, options, [build_dir, done = std::move(done)](AttemptResult result) {
        if (result.outcome.kind != OutcomeKind::passed) {
          done(fail("ctest --show-only=json-v1 in " + build_dir + " failed (" +
                    describe(result.outcome) + "): " + result.err->tail(2000)));
          return;
        }
        done(parse_ctest_json(result.out->str(), build_dir,
                              [](const std::string& name) -> std::optional<std::string> {
                                const char* value = std::getenv(name.c_str());
                                if (!value) return std::nullopt;
                                return std::string(value);
                              }));
      });
}

}  // namespace procpool::ctest
