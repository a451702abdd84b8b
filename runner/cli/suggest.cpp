#include "suggest.hpp"

#include <algorithm>
#include <charconv>

namespace procpool::cli {
namespace {

// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

// Every spelling of every option of `command` ("--jobs", "-j"), and whether it takes a value.
struct Flag {
  std::string name;
  bool takes_value;
};
std::vector<Flag> flags_of(const CLI::App& command) {
  std::vector<Flag> flags;
  for (const CLI::Option* option : command.get_options([](const CLI::Option*) { return true; })) {
    const bool value = option->get_type_size() != 0;
    for (const auto& name : option->get_lnames()) flags.push_back({"--" + name, value});
    for (const auto& name : option->get_snames()) flags.push_back({"-" + name, value});
  }
  flags.push_back({"--help", false});
  flags.push_back({"-h", false});
  return flags;
}

}  // namespace

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  // A typo, not another word: at most 2 edits, and fewer than a third of the word for short ones.
  const std::size_t allowed = std::min<std::size_t>(2, std::max<std::size_t>(1, word.size() / 3));
  return best_distance <= allowed ? best : std::string();
}

std::optional<std::string> explain_bad_arguments(const CLI::App& app,
                                                 const std::vector<std::string>& args) {
  if (args.empty()) return std::nullopt;
  const auto commands = subcommand_names(app);
  const std::string& first = args.front();
  std::string list;
  for (const auto& c : commands) list += (list.empty() ? "" : ", ") + c;
  if (first.empty() || first[0] != '-') {
    if (std::find(commands.begin(), commands.end(), first) == commands.end()) {
      const std::string near = closest(first, commands);
      return "unknown command '" + first + "'" +
             (near.empty() ? "" : " (did you mean '" + near + "'?)") + "; the commands are " + list;
    }
  } else {
    return std::nullopt;  // a top-level flag: CLI11 says it well enough
  }
  const CLI::App* command = nullptr;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == first) command = sub;
  }
  if (!command) return std::nullopt;
  const auto flags = flags_of(*command);
  std::vector<std::string> names;
  for (const auto& flag : flags) names.push_back(flag.name);
  // `procpool run`'s first positional word starts the command: its flags are the command's.
  const bool command_follows = first == "run";
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') {
      if (command_follows) break;
      continue;
    }
    const std::string name = arg.substr(0, arg.find('='));
    auto known =
        std::find_if(flags.begin(), flags.end(), [&](const Flag& f) { return f.name == name; });
    // "-j2": a short flag with its value attached.
    if (known == flags.end() && arg[1] != '-') {
      known = std::find_if(flags.begin(), flags.end(),
                           [&](const Flag& f) { return f.name == arg.substr(0, 2); });
      if (known != flags.end()) continue;
    }
    if (known == flags.end()) {
      const std::string near = closest(name, names);
      return "procpool " + first + ": unknown option '" + name + "'" +
             (near.empty() ? "" : " (did you mean '" + near + "'?)");
    }
    if (known->takes_value && name == arg) ++i;  // its value, whatever it looks like
  }
  return std::nullopt;
}

CLI::Validator whole_number(unsigned long long min, unsigned long long max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        unsigned long long value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
          return "'" + text + "' is not a whole number from " + std::to_string(min) + " to " +
                 std::to_string(max);
        }
        return {};
      },
      "N");
}

CLI::Validator job_count(unsigned cores) {
  return CLI::Validator(
      [cores](std::string& text) -> std::string {
        const std::string bad = "'" + text +
                                "' is not a number of jobs: N, N% of the cores, +N or -N (cores "
                                "plus or minus N), or 0 (as many as there are tasks)";
        if (text.empty()) return bad;
        std::string_view digits = text;
        const char sign = digits.front() == '+' || digits.front() == '-' ? digits.front() : 0;
        const bool percent = digits.back() == '%';
        if (sign) digits.remove_prefix(1);
        if (percent) digits.remove_suffix(1);
        unsigned long long n = 0;
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() ||
            (sign && percent) || n > 4'294'967'295ull) {
          return bad;
        }
        unsigned long long jobs = n;
        if (percent) jobs = std::max(1ull, cores * n / 100);
        if (sign == '+') jobs = cores + n;
        if (sign == '-') jobs = n >= cores ? 1 : cores - n;
        // 0: as many as there are tasks (the scheduler never starts more than that).
        if (!sign && !percent && n == 0) jobs = 4'294'967'295ull;
        text = std::to_string(std::min(jobs, 4'294'967'295ull));
        return {};
      },
      "N|N%|+N|-N|0");
}

}  // namespace procpool::cli
