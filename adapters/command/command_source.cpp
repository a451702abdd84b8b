#include "procpool/adapters/command/command_source.hpp"

#include "procpool/adapters/command/shell_words.hpp"

namespace procpool::command {
namespace {

// Drops the extension of the last path component only: "a.b/c.tar.gz" -> "a.b/c.tar".
std::string without_extension(const std::string& path) {
  const auto dot = path.find_last_of('.');
  const auto slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) ||
      dot == (slash == std::string::npos ? 0 : slash + 1)) {
    return path;
  }
  return path.substr(0, dot);
}

TaskSpec shell_task(std::string script) {
  TaskSpec task;
  task.argv = {"/bin/sh", "-c", script};
  task.name = std::move(script);
  return task;
}

}  // namespace

std::string substitute(std::string_view word, const std::string& input, std::size_t seq,
                       bool quote_input, bool* used_input) {
  auto maybe_quote = [&](const std::string& s) { return quote_input ? shell_quote(s) : s; };
  std::string out;
  std::size_t i = 0;
  while (i < word.size()) {
    struct Replacement {
      std::string_view token;
      std::string value;
      bool is_input;
    };
    bool replaced = false;
    if (word[i] == '{') {
      const Replacement replacements[] = {
          {"{}", maybe_quote(input), true},
          {"{.}", maybe_quote(without_extension(input)), true},
          {"{/}", maybe_quote(base_name(input)), true},
          {"{//}", maybe_quote(dir_name(input)), true},
          {"{/.}", maybe_quote(without_extension(base_name(input))), true},
          {"{#}", std::to_string(seq), false},
      };
      for (const auto& r : replacements) {
        if (word.substr(i, r.token.size()) == r.token) {
          out += r.value;
          i += r.token.size();
          if (r.is_input && used_input) *used_input = true;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += word[i++];
  }
  return out;
}

TaskSpec task_for_input(const std::vector<std::string>& command, const std::string& input,
                        std::size_t index, bool shell) {
  bool used_input = false;
  std::vector<std::string> words;
  words.reserve(command.size() + 1);
  for (const auto& word : command)
    words.push_back(substitute(word, input, index + 1, shell, &used_input));
  TaskSpec task;
  if (shell) {
    std::string script;
    for (const auto& word : words) script += (script.empty() ? "" : " ") + word;
    if (!used_input) script += " " + shell_quote(input);
    task = shell_task(std::move(script));
  } else {
    if (!used_input) words.push_back(input);
    task.name = shell_join(words);
    task.argv = std::move(words);
  }
  task.input = input;
  return task;
}

std::vector<TaskSpec> tasks_from_inputs(const std::vector<std::string>& command,
                                        const std::vector<std::string>& inputs, bool shell) {
  std::vector<TaskSpec> tasks;
  tasks.reserve(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    tasks.push_back(task_for_input(command, inputs[i], i, shell));
  }
  return tasks;
}

Result<std::vector<TaskSpec>> tasks_from_lines(std::string_view content, bool shell) {
  std::vector<TaskSpec> tasks;
  std::size_t line_number = 0;
  while (!content.empty()) {
    const auto newline = content.find('\n');
    std::string_view line = content.substr(0, newline);
    content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (shell) {
      tasks.push_back(shell_task(std::string(line.substr(first))));
      tasks.back().input = tasks.back().name;
      continue;
    }
    auto words = split_shell_words(line);
    if (!words) return fail("line " + std::to_string(line_number) + ": " + words.error());
    if (words->empty()) continue;  // only a comment after blanks
    TaskSpec task;
    task.name = std::string(line.substr(first));
    task.input = task.name;
    task.argv = std::move(*words);
    tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace procpool::command
