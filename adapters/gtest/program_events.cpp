#include "procpool/adapters/gtest/program_events.hpp"

#include <charconv>

namespace procpool::gtest {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of `key` in "k1=v1&k2=v2" (raw, not decoded), or nothing. `last`: the key's value runs
// to the end of the line (a name is not encoded, so it may hold '&').
std::optional<std::string_view> field(std::string_view fields, std::string_view key,
                                      bool last = false) {
  std::size_t at = 0;
  while (at <= fields.size()) {
    const std::size_t end = last ? fields.size() : std::min(fields.find('&', at), fields.size());
    const std::string_view pair = fields.substr(at, end - at);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=') {
      return pair.substr(key.size() + 1);
    }
    if (last || end == fields.size()) break;
    at = end + 1;
  }
  return std::nullopt;
}

std::optional<bool> flag(std::string_view fields) {
  const auto passed = field(fields, "passed");
  if (passed == "1") return true;
  if (passed == "0") return false;
  return std::nullopt;
}

}  // namespace

const char* to_string(EventSource source) {
  return source == EventSource::stream ? "stream" : "console";
}

std::string url_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
        hex_digit(text[i + 2]) >= 0) {
      decoded.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else {
      decoded.push_back(text[i]);
    }
  }
  return decoded;
}

StreamDecoder::Status StreamDecoder::decode(std::string_view line, ProgramEvent& event) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!version_seen_) {
    if (line.rfind("gtest_streaming_protocol_version=", 0) != 0) return Status::error;
    version_seen_ = true;
    return Status::version;
  }
  constexpr std::string_view kEvent = "event=";
  if (line.rfind(kEvent, 0) != 0) return Status::error;
  line.remove_prefix(kEvent.size());
  const std::size_t amp = line.find('&');
  const std::string_view name = line.substr(0, amp);
  const std::string_view fields = amp == std::string_view::npos ? "" : line.substr(amp + 1);
  using Kind = ProgramEvent::Kind;
  event = ProgramEvent{};
  auto with_passed = [&](Kind kind) {
    const auto passed = flag(fields);
    if (!passed) return Status::error;
    event.kind = kind;
    event.passed = *passed;
    return Status::event;
  };
  if (name == "TestProgramStart") {
    event.kind = Kind::program_start;
    return Status::event;
  }
  if (name == "TestIterationStart") {
    event.kind = Kind::iteration_start;
    return Status::event;
  }
  if (name == "TestCaseStart") {
    const auto suite = field(fields, "name", /*last=*/true);
    if (!suite) return Status::error;
    suite_ = std::string(*suite);
    event.kind = Kind::suite_start;
    event.name = suite_;
    return Status::event;
  }
  if (name == "TestStart") {
    const auto test = field(fields, "name", /*last=*/true);
    if (!test) return Status::error;
    event.kind = Kind::test_start;
    event.name = suite_ + "." + std::string(*test);
    return Status::event;
  }
  if (name == "TestPartResult") {
    const auto file = field(fields, "file");
    const auto line_number = field(fields, "line");
    const auto message = field(fields, "message");
    if (!file || !line_number || !message) return Status::error;
    event.kind = Kind::part_result;
    event.file = url_decode(*file);
    std::from_chars(line_number->data(), line_number->data() + line_number->size(), event.line);
    event.message = url_decode(*message);
    return Status::event;
  }
  if (name == "TestEnd") {
    const Status status = with_passed(Kind::test_end);
    if (const auto elapsed = field(fields, "elapsed_time")) {  // "12ms"
      long long ms = 0;
      const auto parsed = std::from_chars(elapsed->data(), elapsed->data() + elapsed->size(), ms);
      if (parsed.ec == std::errc() && ms >= 0) event.elapsed = std::chrono::milliseconds(ms);
    }
    return status;
  }
  if (name == "TestCaseEnd") return with_passed(Kind::suite_end);
  if (name == "TestIterationEnd") return with_passed(Kind::iteration_end);
  if (name == "TestProgramEnd") return with_passed(Kind::program_end);
  return Status::ignored;  // a newer gtest's event: nothing a verdict needs
}

}  // namespace procpool::gtest
