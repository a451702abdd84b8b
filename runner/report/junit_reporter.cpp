#include "procpool/runner/report/junit_reporter.hpp"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

#include <pugixml.hpp>

#include "procpool/runner/core/atomic_file.hpp"
#include "procpool/runner/core/host_name.hpp"
#include "procpool/runner/core/verdict.hpp"
#include "procpool/runner/core/wall_time.hpp"
#include "procpool/runner/report/report_names.hpp"  // headline()

namespace procpool::report {
namespace {

constexpr std::size_t kMaxOutput = 1 << 20;  // keep reports readable: the last 1 MiB of output

// CMake's list syntax: "a;b".
std::string joined_labels(const std::vector<std::string>& labels) {
  std::string text;
  for (const auto& label : labels) text += (text.empty() ? "" : ";") + label;
  return text;
}

// The suite a CTest test goes into below its build tree: its directory there, or its labels.
// "" for other tests (a GoogleTest test has its own suite).
std::string ctest_group(const TestIdentity* test, JunitGroup group) {
  if (!test || !test->suite.empty()) return {};
  return group == JunitGroup::directory ? test->directory : joined_labels(test->labels);
}

// What the schema has no place for on a <testcase>, as its suite's properties (see the header).
void add_case_properties(pugi::xml_node properties, const std::string& name,
                         const TestIdentity* test, const std::vector<RecordedProperty>& recorded,
                         std::set<std::string>& suite_names) {
  auto add = [&](const std::string& key, const std::string& value) {
    auto property = properties.append_child("property");
    property.append_attribute("name") = JunitReporter::xml_safe(key).c_str();
    property.append_attribute("value") = JunitReporter::xml_safe(value).c_str();
  };
  if (test && !test->file.empty()) add(name + ".file", test->file);
  if (test && test->line > 0) add(name + ".line", std::to_string(test->line));
  if (test && !test->labels.empty()) add(name + ".labels", joined_labels(test->labels));
  for (const RecordedProperty& p : recorded) {
    if (!p.of_suite) {
      add(name + "." + p.name, p.value);
    } else if (suite_names.insert(p.name).second) {
      add(p.name, p.value);  // once per suite, though each of its test processes recorded it
    }
  }
}

std::string output_of(const AttemptResult& result) {
  std::string text = result.out->tail(kMaxOutput);
  const std::string err = result.err->tail(kMaxOutput);
  if (!err.empty()) text += (text.empty() ? "" : "\n") + err;
  return text;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds);  // plain decimals: SUREFIRE_TIME
  return text;
}

// The element that says how a case ended: its name, type, message and body.
struct Element {
  const char* element = nullptr;  // nullptr: passed
  const char* type = "";
  std::string message;
  std::string body;
};

Element element_for(const Outcome& outcome) {
  switch (verdict_of(outcome, /*flaky=*/false)) {
    case Verdict::passed:
    case Verdict::flaky:
    case Verdict::order_dependent:
      return {};
    case Verdict::failed:
      return {"failure", "failure",
              outcome.message.empty() ? describe(outcome) : headline(outcome.message),
              outcome.message.empty() ? describe(outcome) : outcome.message};
    case Verdict::crashed:
      return {"error", "crash", "crashed: " + describe(outcome), ""};
    case Verdict::timed_out:
      return {"error", "timeout", "timed out", ""};
    case Verdict::aborted:
      return {"error", "aborted", describe(outcome), ""};
    case Verdict::failed_to_start:
      return {"error", "start", outcome.error, outcome.error};
    case Verdict::cancelled:
      return {"skipped", "cancelled", "stopped: the run was cancelled", ""};
    case Verdict::skipped:
      return {"skipped", "skipped", outcome.message, ""};
    case Verdict::disabled:
      return {"skipped", "disabled", "Disabled", ""};
    case Verdict::not_run:
      // CTest's "Not Run" is a skip with its reason, as `ctest --output-junit` writes it.
      if (outcome.kind == OutcomeKind::not_run) return {"skipped", "notrun", outcome.message, ""};
      return {"skipped", "skipped", "not run: the run was halted or interrupted", ""};
  }
  return {};
}

}  // namespace

std::string JunitReporter::suite_key(const Case& c) {
  if (!c.test) return "procpool";
  const std::string binary = std::filesystem::path(c.test->binary).filename().string();
  if (!c.test->suite.empty()) return binary + ":" + c.test->suite;
  return c.group.empty() ? binary : binary + "/" + c.group;
}

std::string JunitReporter::classname(const Case& c) {
  if (!c.test) return "procpool";
  const std::string binary = std::filesystem::path(c.test->binary).filename().string();
  if (!c.test->suite.empty()) return binary + "." + c.test->suite;
  return c.group.empty() ? binary : binary + "/" + c.group;
}

std::string JunitReporter::xml_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
        out += static_cast<char>(c);
      else
        out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    // A valid UTF-8 sequence of 2-4 bytes is kept; anything else becomes U+FFFD.
    std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    bool valid = len > 0 && i + len <= n;
    for (std::size_t k = 1; valid && k < len; ++k) valid = (s[i + k] & 0xC0) == 0x80;
    if (valid && len == 3) {
      const unsigned cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
      valid = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    }
    if (valid && len == 4) {
      const unsigned cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) |
                          ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
      valid = cp >= 0x10000 && cp <= 0x10FFFF;
    }
    if (valid) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

void JunitReporter::on_task_retried(const TaskRetried& event) {
  if (event.result->outcome.succeeded()) return;  // not a failure: nothing to report as one
  retried_[event.index].push_back({event.result->outcome, output_of(*event.result)});
}

void JunitReporter::on_task_finished(const TaskFinished& event) {
  Case c;
  c.name = event.spec->name;
  c.test = event.spec->test;
  c.group = ctest_group(c.test ? &*c.test : nullptr, group_);
  c.properties = event.result->properties;
  c.outcome = event.result->outcome;
  c.seconds = std::chrono::duration<double>(event.result->duration).count();
  c.started = event.result->started_at;
  c.attempts = event.attempts;
  c.flaky = event.flaky || event.order_dependent;  // its failed attempts reported as flaky ones
  const bool failed = !passing(verdict_of(event)) && c.outcome.kind != OutcomeKind::skipped &&
                      c.outcome.kind != OutcomeKind::not_started &&
                      c.outcome.kind != OutcomeKind::disabled;
  if (output_ == JunitOutput::all || (output_ == JunitOutput::failed && failed)) {
    c.out = event.result->out->tail(kMaxOutput);
    c.err = event.result->err->tail(kMaxOutput);
  }
  if (auto it = retried_.find(event.index); it != retried_.end()) {
    c.failed_attempts = std::move(it->second);
    retried_.erase(it);
  }
  cases_.push_back(std::move(c));
}

void JunitReporter::on_run_finished(const RunFinished& event) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("testsuites");
  root.append_attribute("name") = "procpool";

  // Suites in order of first appearance; cases in the order they finished.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Case*>> suites;
  for (const Case& c : cases_) {
    const std::string key = suite_key(c);
    if (!suites.count(key)) order.push_back(key);
    suites[key].push_back(&c);
  }
  std::size_t all_tests = 0, all_failures = 0, all_errors = 0;
  const std::string host = host_name();
  for (const std::string& key : order) {
    std::size_t failures = 0, errors = 0, skipped = 0;
    double time = 0;
    WallTime first_start{};
    auto suite = root.append_child("testsuite");
    auto properties = suite.append_child("properties");
    std::set<std::string> suite_property_names;
    std::optional<std::string> one_file;  // the file all its tests are in, if they share one
    bool files_differ = false;
    for (const Case* c : suites[key]) {
      if (c->started != WallTime{} && (first_start == WallTime{} || c->started < first_start)) {
        first_start = c->started;
      }
      auto testcase = suite.append_child("testcase");
      const TestIdentity* test = c->test ? &*c->test : nullptr;
      testcase.append_attribute("name") = xml_safe(test ? test->name : c->name).c_str();
      testcase.append_attribute("classname") = xml_safe(classname(*c)).c_str();
      testcase.append_attribute("time") = seconds_text(c->seconds).c_str();
      if (family_ == JunitFamily::xunit1 && test && !test->file.empty()) {
        testcase.append_attribute("file") = xml_safe(test->file).c_str();
        if (test->line > 0) testcase.append_attribute("line") = test->line;
      }
      add_case_properties(properties, test ? test->name : c->name, test, c->properties,
                          suite_property_names);
      const std::string file = test ? test->file : std::string();
      if (!one_file) one_file = file;
      files_differ = files_differ || *one_file != file;
      time += c->seconds;
      const Element v = element_for(c->outcome);
      if (v.element) {
        auto node = testcase.append_child(v.element);
        node.append_attribute("type") = v.type;
        node.append_attribute("message") = xml_safe(v.message).c_str();
        if (!v.body.empty()) node.text().set(xml_safe(v.body).c_str());
        const std::string element = v.element;
        failures += element == "failure";
        errors += element == "error";
        skipped += element == "skipped";
      }
      for (const FailedAttempt& attempt : c->failed_attempts) {
        if (!c->flaky) continue;  // a test that failed in the end reports its final failure
        const Element fv = element_for(attempt.outcome);
        auto flaky = testcase.append_child(std::string(fv.element) == "error" ? "flakyError"
                                                                              : "flakyFailure");
        flaky.append_attribute("message") = xml_safe(fv.message).c_str();
        flaky.append_attribute("type") = fv.type;
        if (!attempt.output.empty()) {
          flaky.append_child("system-out").text().set(xml_safe(attempt.output).c_str());
        }
      }
      if (!c->out.empty()) testcase.append_child("system-out").text().set(xml_safe(c->out).c_str());
      if (!c->err.empty()) testcase.append_child("system-err").text().set(xml_safe(c->err).c_str());
    }
    if (properties.first_child().empty()) suite.remove_child(properties);
    if (one_file && !one_file->empty() && !files_differ) {
      suite.prepend_attribute("file") = xml_safe(*one_file).c_str();
    }
    // When the suite began and where, as CI servers show it.
    if (!host.empty()) suite.prepend_attribute("hostname") = xml_safe(host).c_str();
    if (first_start != WallTime{}) {
      suite.prepend_attribute("timestamp") = iso8601_utc(first_start).c_str();
    }
    suite.prepend_attribute("time") = seconds_text(time).c_str();
    suite.prepend_attribute("skipped") = std::to_string(skipped).c_str();
    suite.prepend_attribute("errors") = std::to_string(errors).c_str();
    suite.prepend_attribute("failures") = std::to_string(failures).c_str();
    suite.prepend_attribute("tests") = std::to_string(suites[key].size()).c_str();
    suite.prepend_attribute("name") = xml_safe(key).c_str();
    all_tests += suites[key].size();
    all_failures += failures;
    all_errors += errors;
  }
  root.append_attribute("tests") = std::to_string(all_tests).c_str();
  root.append_attribute("failures") = std::to_string(all_failures).c_str();
  root.append_attribute("errors") = std::to_string(all_errors).c_str();
  root.append_attribute("time") =
      seconds_text(std::chrono::duration<double>(event.summary->wall).count()).c_str();
  std::ostringstream text;
  doc.save(text, "  ", pugi::format_default, pugi::encoding_utf8);
  record_error(write_file_atomically(path_, text.str()));
}

}  // namespace procpool::report
