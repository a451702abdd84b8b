#include "procpool/adapters/command/command_source.hpp"

#include "gnu_path_parts.hpp"
#include "procpool/adapters/command/shell_words.hpp"
#include "procpool/runner/core/shell.hpp"
#include "text_lines.hpp"

#include <algorithm>
#include <optional>

namespace procpool::command {
namespace {

TaskSpec shell_task(std::string script) {
  TaskSpec task;
  task.command.argv = shell_argv(script);
  task.name = std::move(script);
  return task;
}

}  // namespace

namespace {

enum class Modifier { none, no_extension, base, dir, base_no_extension };

std::string modified(const std::string& value, Modifier modifier) {
  switch (modifier) {
    case Modifier::none:
      return value;
    case Modifier::no_extension:
      return gnu_without_extension(value);
    case Modifier::base:
      return gnu_basename(value);
    case Modifier::dir:
      return gnu_dirname(value);
    case Modifier::base_no_extension:
      return gnu_without_extension(gnu_basename(value));
  }
  return value;
}

// A replacement string at the start of `text`: its length and what it stands for.
struct Token {
  enum class Kind { all, positional, seq, slot } kind;
  std::size_t length;
  Modifier modifier = Modifier::none;
  long position = 0;  // Kind::positional: 1-based, or negative from the end
};

std::optional<Token> token_at(std::string_view text) {
  if (text.empty() || text[0] != '{') return std::nullopt;
  const auto close = text.find('}');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view inside = text.substr(1, close - 1);
  const std::size_t length = close + 1;
  if (inside == "#") return Token{Token::Kind::seq, length};
  if (inside == "%") return Token{Token::Kind::slot, length};
  // An optional position (-?digits), then an optional modifier.
  std::size_t digits = 0;
  if (!inside.empty() && inside[0] == '-') digits = 1;
  const std::size_t first_digit = digits;
  while (digits < inside.size() && inside[digits] >= '0' && inside[digits] <= '9') ++digits;
  const bool has_position = digits > first_digit;
  if (!has_position) digits = 0;
  const std::string_view rest = inside.substr(digits);
  Modifier modifier;
  if (rest.empty()) {
    modifier = Modifier::none;
  } else if (rest == ".") {
    modifier = Modifier::no_extension;
  } else if (rest == "/") {
    modifier = Modifier::base;
  } else if (rest == "//") {
    modifier = Modifier::dir;
  } else if (rest == "/.") {
    modifier = Modifier::base_no_extension;
  } else {
    return std::nullopt;
  }
  if (!has_position) return Token{Token::Kind::all, length, modifier};
  long position = 0;
  for (std::size_t i = first_digit; i < digits; ++i) {
    position = std::min(position * 10 + (inside[i] - '0'), 1000000000L);
  }
  if (position == 0) return std::nullopt;  // {0} is not a replacement string
  return Token{Token::Kind::positional, length, modifier, first_digit ? -position : position};
}

bool has_all_arguments_token(std::string_view word) {
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (const auto token = token_at(word.substr(i)); token && token->kind == Token::Kind::all) {
      return true;
    }
  }
  return false;
}

}  // namespace

Rendered render_word(std::string_view word, const std::vector<std::string>& args, std::size_t seq,
                     bool quote_args) {
  auto value = [&](const std::string& s) { return quote_args ? quote_for_shell(s) : s; };
  Rendered out;
  out.words.emplace_back();
  // Whether the word holds anything but replacement strings whose argument is missing. GNU
  // parallel puts nothing for those (not even the quotes it gives an empty argument), so the
  // shell drops a word made only of them: `--colsep , echo {1} {3}` on "a,b" runs `echo a`.
  bool has_content = false;
  bool missing = false;
  std::size_t i = 0;
  while (i < word.size()) {
    const auto token = token_at(word.substr(i));
    if (!token) {
      out.words.back() += word[i++];
      has_content = true;
      continue;
    }
    has_content = has_content || token->kind != Token::Kind::positional;
    i += token->length;
    switch (token->kind) {
      // Any replacement string, {#} and {%} too, keeps the arguments from being appended
      // (GNU parallel: `parallel echo {#} ::: a` prints 1).
      case Token::Kind::seq:
        out.used_args = true;
        out.words.back() += std::to_string(seq);
        break;
      case Token::Kind::slot:
        out.used_args = true;
        out.slot_marks.push_back({out.words.size() - 1, out.words.back().size()});
        break;
      case Token::Kind::positional: {
        out.used_args = true;
        const long n = static_cast<long>(args.size());
        const long at = token->position > 0 ? token->position - 1 : n + token->position;
        if (at >= 0 && at < n) {
          out.words.back() += value(modified(args[at], token->modifier));
          has_content = true;
        } else {
          missing = true;
        }
        break;
      }
      case Token::Kind::all:
        // Every argument, each its own word: text before the token joins the first, text after
        // it the last (GNU parallel: 'x{}y' with a and 1 gives 'xa' '1y').
        out.used_args = true;
        for (std::size_t a = 0; a < args.size(); ++a) {
          if (a > 0) out.words.emplace_back();
          out.words.back() += value(modified(args[a], token->modifier));
        }
        break;
    }
  }
  if (missing && !has_content) out.words.clear();
  return out;
}

std::string render_text(std::string_view text, const std::vector<std::string>& args,
                        std::size_t seq) {
  std::string joined;
  for (const auto& word : render_word(text, args, seq, false).words) {
    joined += (joined.empty() ? "" : " ") + word;
  }
  return joined;
}

TaskSpec task_for_arguments(const std::vector<std::string>& command,
                            const std::vector<std::string>& args, std::size_t index, bool shell,
                            bool context) {
  if (command.empty()) {  // GNU parallel: without a command, each input is a command line
    std::string script;
    for (const auto& arg : args) script += (script.empty() ? "" : " ") + arg;
    TaskSpec task = shell_task(script);
    task.input = std::move(script);
    task.args = args;
    return task;
  }
  bool used_args = false;
  std::vector<std::string> words;
  std::vector<std::pair<std::size_t, std::size_t>> slot_marks;  // (word, offset)
  words.reserve(command.size() + args.size());
  for (const auto& word : command) {
    Rendered rendered = render_word(word, args, index + 1, shell);
    if (context && args.size() > 1 && has_all_arguments_token(word)) {
      rendered = {};  // the whole word once per argument
      for (const auto& arg : args) {
        Rendered one = render_word(word, {arg}, index + 1, shell);
        rendered.used_args = true;
        for (auto& piece : one.words) rendered.words.push_back(std::move(piece));
        for (const auto& [w, offset] : one.slot_marks) {
          rendered.slot_marks.push_back({rendered.words.size() - one.words.size() + w, offset});
        }
      }
    }
    used_args = used_args || rendered.used_args;
    for (const auto& [w, offset] : rendered.slot_marks) {
      slot_marks.push_back({words.size() + w, offset});
    }
    for (auto& piece : rendered.words) words.push_back(std::move(piece));
  }
  if (!used_args) {  // no replacement string takes the arguments: they go at the end
    for (const auto& arg : args) words.push_back(shell ? quote_for_shell(arg) : arg);
  }
  TaskSpec task;
  if (shell) {
    std::string script;
    std::vector<std::size_t> starts;
    for (const auto& word : words) {
      if (!script.empty()) script += ' ';
      starts.push_back(script.size());
      script += word;
    }
    for (const auto& [w, offset] : slot_marks)
      task.command.slot_marks.push_back({2, starts[w] + offset});
    task.command.argv = shell_argv(script);
    task.name = std::move(script);
  } else {
    task.command.slot_marks = std::move(slot_marks);
    task.name = shell_join(words);
    task.command.argv = std::move(words);
  }
  for (const auto& arg : args) task.input += (task.input.empty() ? "" : " ") + arg;
  task.args = args;
  return task;
}

std::vector<TaskSpec> tasks_from_inputs(const std::vector<std::string>& command,
                                        const std::vector<std::string>& inputs, bool shell) {
  std::vector<TaskSpec> tasks;
  tasks.reserve(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    tasks.push_back(task_for_arguments(command, {inputs[i]}, i, shell));
  }
  return tasks;
}

Result<std::vector<TaskSpec>> tasks_from_lines(std::string_view content, bool shell) {
  std::vector<TaskSpec> tasks;
  std::size_t line_number = 0;
  while (!content.empty()) {
    std::string_view line = take_line(content);
    ++line_number;
    if (line.find('\0') != std::string_view::npos) {  // it would cut the argument short
      return fail("line " + std::to_string(line_number) +
                  ": a NUL byte, which no command line can hold");
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (shell) {
      tasks.push_back(shell_task(std::string(line.substr(first))));
      tasks.back().input = tasks.back().name;
      tasks.back().args = {tasks.back().name};
      continue;
    }
    auto words = split_shell_words(line);
    if (!words) return fail("line " + std::to_string(line_number) + ": " + words.error());
    if (words->empty()) continue;  // only a comment after blanks
    TaskSpec task;
    task.name = std::string(line.substr(first));
    task.input = task.name;
    task.args = {task.name};
    task.command.argv = std::move(*words);
    tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace procpool::command
