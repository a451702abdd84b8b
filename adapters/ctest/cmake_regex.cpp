#include "procpool/adapters/ctest/cmake_regex.hpp"

#include <cstdio>

#include <re2/re2.h>

namespace procpool::ctest {
namespace {

// One byte as an RE2 literal, whatever it is.
std::string literal(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
    return std::string(1, static_cast<char>(c));
  char hex[8];
  std::snprintf(hex, sizeof hex, "\\x%02x", c);
  return hex;
}

// Translates the set starting after '[' at `at`; advances `at` past its ']'.
Result<std::string> translate_set(std::string_view p, std::size_t& at) {
  std::string out = "[";
  if (at < p.size() && p[at] == '^') {
    out += '^';
    ++at;
  }
  // A ']' or '-' first is a member, not the end or a range.
  bool first = true;
  for (; at < p.size(); first = false) {
    const unsigned char c = static_cast<unsigned char>(p[at]);
    if (c == ']' && !first) {
      ++at;
      return out + "]";
    }
    if (c == '-' && !first && at + 1 < p.size() && p[at + 1] != ']') {
      // A range from the previous member to the next character (CMake: "a-z").
      const unsigned char from = static_cast<unsigned char>(p[at - 1]);
      const unsigned char to = static_cast<unsigned char>(p[at + 1]);
      if (from > to) return fail("invalid [] range in the regular expression");
      out += "-" + literal(to);
      at += 2;
      continue;
    }
    out += literal(c);
    ++at;
  }
  return fail("unmatched [] in the regular expression");
}

}  // namespace

Result<std::string> translate_cmake_regex(std::string_view p) {
  std::string out;
  int depth = 0;
  bool atom_before = false;  // whether * + ? may follow here
  for (std::size_t at = 0; at < p.size();) {
    const char c = p[at];
    switch (c) {
      case '^':
        out += "\\A";
        atom_before = false;
        ++at;
        break;
      case '$':
        out += "\\z";
        atom_before = false;
        ++at;
        break;
      case '.':
        out += "(?s:.)";
        atom_before = true;
        ++at;
        break;
      case '[': {
        ++at;
        auto set = translate_set(p, at);
        if (!set) return set.failure();
        out += *set;
        atom_before = true;
        break;
      }
      case '(':
        ++depth;
        out += "(?:";
        atom_before = false;
        ++at;
        break;
      case ')':
        if (depth == 0) return fail("unmatched () in the regular expression");
        --depth;
        out += ")";
        atom_before = true;
        ++at;
        break;
      case '|':
        out += "|";
        atom_before = false;
        ++at;
        break;
      case '*':
      case '+':
      case '?':
        if (!atom_before)
          return fail(std::string("nothing before ") + c + " in the regular expression");
        out += c;
        atom_before = false;  // CMake refuses a repeat of a repeat ("nested *?+")
        ++at;
        break;
      case '\\':
        if (at + 1 >= p.size()) return fail("trailing \\ in the regular expression");
        out += literal(static_cast<unsigned char>(p[at + 1]));
        atom_before = true;
        at += 2;
        break;
      default:
        out += literal(static_cast<unsigned char>(c));
        atom_before = true;
        ++at;
    }
  }
  if (depth != 0) return fail("unmatched () in the regular expression");
  return out;
}

Result<CmakeRegex> CmakeRegex::compile(std::string_view pattern) {
  auto translated = translate_cmake_regex(pattern);
  if (!translated) return translated.failure();
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);  // bytes, as CMake sees them
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  auto re = std::make_shared<const RE2>(*translated, options);
  if (!re->ok())
    return fail("cannot use the regular expression '" + std::string(pattern) + "': " + re->error());
  CmakeRegex regex;
  regex.re_ = std::move(re);
  return regex;
}

bool CmakeRegex::search(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

}  // namespace procpool::ctest
