// `procpool run` reads inputs as GNU parallel does: every case runs GNU parallel itself (installed
// by scripts/setup) and procpool on the same words and inputs, and compares their output, in
// input order (-k on both). The expected output is GNU parallel's, never written down here.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "cli_fixture.hpp"

namespace procpool::testing {
namespace {

std::string quoted(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Case {
  std::vector<std::string> options;  // before the command (GNU parallel's and procpool's alike)
  std::vector<std::string> words;    // the command, then ::: / :::: groups
  std::string stdin_text;            // standard input for both
  // GNU parallel reads the command as a shell line (its default) rather than word by word
  // (-q): where the two differ (a missing argument), procpool follows the default. The words
  // must then mean the same to the shell as they are.
  bool gnu_shell_line = false;
};

class RunParallelInputs : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write_file(dir_.file("fa"), "f1\nf2\n");
    write_file(dir_.file("fb"), "g1\ng2\ng3\n");
    write_file(dir_.file("cs"), "a,1\nb,2\n");
  }

  // GNU parallel's stdout for the case.
  std::string gnu_parallel(const Case& c) {
    write_file(dir_.file("stdin"), c.stdin_text);
    // -q: GNU parallel passes the command's words as they are (no shell reading them), which is
    // what procpool does without --shell. Without a command the inputs are shell command lines.
    const bool has_command = !c.words.empty() && c.words[0] != ":::" && c.words[0] != "::::";
    std::string command = "cd " + quoted(dir_.path()) + " && parallel -k" +
                          (has_command && !c.gnu_shell_line ? " -q" : "");
    for (const auto& w : c.options) command += " " + quoted(w);
    for (const auto& w : c.words) command += " " + quoted(w);
    command += " < stdin > gnu.out 2> gnu.err";
    EXPECT_EQ(std::system(command.c_str()), 0) << command << "\n"
                                               << read_file(dir_.file("gnu.err"));
    return read_file(dir_.file("gnu.out"));
  }

  CliResult procpool(const Case& c) {
    std::vector<std::string> args{"run", "-k", "--no-progress"};
    args.insert(args.end(), c.options.begin(), c.options.end());
    args.push_back("--");
    args.insert(args.end(), c.words.begin(), c.words.end());
    return run_procpool(args, {.stdin_text = c.stdin_text, .working_dir = dir_.path()});
  }

  void expect_same(const Case& c) {
    std::string described;
    for (const auto& w : c.options) described += w + " ";
    for (const auto& w : c.words) described += w + " ";
    const std::string expected = gnu_parallel(c);
    const auto r = procpool(c);
    EXPECT_EQ(r.exit_code, 0) << described << "\n" << r.err;
    EXPECT_EQ(r.out, expected) << described;
  }

  TempDir dir_;
};

TEST_F(RunParallelInputs, SeveralSourcesGiveEveryCombinationFirstSourceSlowest) {
  expect_same({{}, {"echo", ":::", "a", "b", ":::", "1", "2"}});
  expect_same({{}, {"echo", ":::", "a", "b", "::::", "fa"}});
  expect_same({{}, {"echo", "::::", "fa", "fb"}});  // each file is a source
  expect_same({{"-a", "fa", "-a", "fb"}, {"echo"}});
  expect_same({{"-a", "fa"}, {"echo", ":::", "x", "y"}});  // -a sources come first
}

TEST_F(RunParallelInputs, LinkedSourcesPairUpToTheShortest) {
  expect_same({{}, {"echo", ":::", "a", "b", "c", ":::+", "1", "2"}});
  expect_same({{}, {"echo", "::::", "fa", "::::+", "fb"}});
}

TEST_F(RunParallelInputs, ReplacementStringsTakeOneArgumentOrAllOfThem) {
  expect_same({{}, {"echo", "{2}", "{1}", ":::", "a", "b", ":::", "1", "2"}});
  expect_same({{}, {"echo", "[{}]", ":::", "a", "b", ":::", "1", "2"}});
  expect_same({{}, {"printf", "<%s>", "{}", ":::", "a", ":::", "1"}});  // one word each
  expect_same({{}, {"printf", "<%s>", "x{}y", ":::", "a", ":::", "1"}});
  expect_same({{}, {"printf", "<%s>", ":::", "a b", ":::", "1"}});  // appended, one word each
  expect_same(
      {{}, {"echo", "{1.}", "{2/}", "{2//}", "{1/.}", ":::", "d/x.tar.gz", ":::", "/u/v/w.c"}});
  expect_same({{}, {"echo", "{.}", ":::", "a.x", ":::", "b.y"}});
  expect_same({{}, {"echo", "[{3}]", "{-1}", ":::", "a", ":::", "b"}});
  expect_same({{"-j1"}, {"echo", "{#}", "{%}", ":::", "a", "b", ":::", "1"}});
  expect_same({{}, {"echo", "{#}", ":::", "a", "b"}});  // a replacement string: nothing appended
}

// The path parts at their edges, where basename(1)/dirname(1) would say otherwise: GNU
// parallel's {.} of ".bashrc" is empty, its {//} of "a/" is ".".
TEST_F(RunParallelInputs, PathReplacementStringsCutEdgeCasesAsGnuParallelDoes) {
  for (const char* modifier : {"{}", "{/}", "{//}", "{.}", "{/.}"}) {
    expect_same(
        {{}, {"printf",  "[%s]",        modifier,    ":::",     ".",     "..",
              "/",       "a/",          "/x/",       ".bashrc", "a.b.c", "name with spaces.txt",
              "a/b.c/d", "dir/.hidden", "/x",        "x/",      "a//b",  "",
              "../x.y",  "./a.b",       "a b/c d.e", "x.",      "//",    "a/b/"}});
  }
  expect_same({{}, {"printf", "[%s]", "{2//}", "{-1.}", "{1/.}", ":::", "/x/", ".a", ":::", "b/"}});
}

// A replacement string whose argument is missing (a short line under --colsep, the last
// command under -N) leaves nothing, and a word made only of such strings is dropped, as GNU
// parallel's shell line drops it; an empty argument that exists stays an empty word.
TEST_F(RunParallelInputs, AMissingArgumentDropsItsWordAsGnuParallelDoes) {
  write_file(dir_.file("short"), "a,b\nc\nd,e,f\n,\n");
  const std::vector<std::string> echo_columns{"echo", "{1}",    "{3}",  "{2}",  "x{3}y",
                                              "{3.}", "{3}{3}", "::::", "short"};
  expect_same({{"--colsep", ","}, echo_columns, "", true});
  expect_same(
      {{"-N", "3"}, {"echo", "{1}", "{3}", "{2}", "{3/}", ":::", "a", "b", "c", "d"}, "", true});
  expect_same({{"-N", "2"}, {"echo", ":::", "a", "b", "c"}, "", true});
  expect_same({{}, {"echo", "L", "{2}", "R", ":::", "a"}, "", true});
}

TEST_F(RunParallelInputs, StandardInputIsTheDefaultSourceEmptyLinesAndCarriageReturnsKept) {
  expect_same({{}, {"echo"}, "p\nq\n"});
  expect_same({{}, {"printf", "<%s>"}, "a\n\nb\r\nc"});
  expect_same({{"-0"}, {"printf", "<%s>"}, std::string("a b\0c\0", 7)});
  expect_same({{"--null"}, {"printf", "<%s>", "::::", "-"}, std::string("x\0y", 3)});
  // A NUL without -0 is written \0, as GNU parallel writes it (it once cut the argument short).
  expect_same({{}, {"printf", "<%s>"}, std::string("a\0b\nc\n", 6)});
}

TEST_F(RunParallelInputs, ColumnsSplitEveryInputAtTheSeparator) {
  expect_same({{"--colsep", ","}, {"echo", "{2}", "{1}", "::::", "cs"}});
  expect_same({{"--colsep", ","}, {"echo", "{1}", "{2}", "{3}", "::::", "cs", ":::", "z"}});
  expect_same({{"--colsep", ","}, {"echo", "{2}", "{1}", ":::", "a,1", "b,2"}});
  expect_same({{"--colsep", " +"}, {"echo", "{2}{1}"}, "a  1\nb 2\n"});
}

TEST_F(RunParallelInputs, MaxArgsPutsSeveralInputsInOneCommand) {
  expect_same({{"-N2"}, {"echo", "{1}-{2}", ":::", "a", "b", "c", "d", "e"}});
  expect_same({{"-n2"}, {"echo", ":::", "a", "b", "c", "d", "e"}});
  expect_same({{"-N0"}, {"echo", "hi", ":::", "a", "b"}});
  expect_same({{"-N2"}, {"echo", "{1}/{2}/{3}/{4}", ":::", "a", "b", ":::", "1", "2"}});
}

TEST_F(RunParallelInputs, XAndMSpreadInputsOverTheSlotsAndXargsFillsOneCommand) {
  expect_same({{"-j2", "-X"}, {"echo", "pre{}post", ":::", "a", "b", "c", "d", "e"}});
  expect_same({{"-j1", "-X"}, {"echo", "pre{}post", ":::", "a", "b", "c", "d", "e"}});
  expect_same({{"-j3", "-X"}, {"echo", "{}", ":::", "a", "b", "c", "d", "e", "f", "g"}});
  expect_same({{"-j2", "-X"}, {"echo", "{}", ":::", "a", "b", ":::", "1", "2"}});
  expect_same({{"-j2", "-m"}, {"echo", ":::", "a", "b", "c", "d", "e"}});
  expect_same({{"-j2", "--xargs"}, {"echo", ":::", "a", "b", "c", "d", "e"}});
}

TEST_F(RunParallelInputs, TagsNameTheInputsOrFollowTheTagstring) {
  expect_same({{"--tag"}, {"echo", "x", ":::", "a", "b", ":::", "1", "2"}});
  expect_same({{"--tagstring", "<{1}|{#}>"}, {"echo", "hi", ":::", "a", "b", ":::", "1"}});
}

// Seq and Exitval of every joblog row (sorted: rows come in completion order, which two jobs at
// once do not fix): what --resume* read and write. Rows kept from earlier runs still count.
std::string seq_and_exitval(const std::string& joblog) {
  std::istringstream lines(joblog);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> columns;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, '\t');) columns.push_back(field);
    if (columns.size() >= 7) rows.push_back(columns[0] + ":" + columns[6]);
  }
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (const auto& row : rows) out += row + " ";
  return out;
}

TEST_F(RunParallelInputs, ResumeResumeFailedAndRetryFailedFollowTheJoblogAsGnuParallel) {
  // The same four steps with GNU parallel and with procpool (--shell: GNU parallel's commands
  // are shell command lines), each on its own joblog; after each step, both printed the same and
  // their joblogs hold the same Seq:Exitval rows.
  struct Step {
    std::vector<std::string> options;
    std::vector<std::string> words;
  };
  const std::vector<Step> steps{
      {{"-j1", "--halt", "now,fail=1"}, {"test {} != b && echo {}", ":::", "a", "b", "c", "d"}},
      {{"--resume"}, {"echo {}", ":::", "a", "b", "c", "d", "e"}},
      {{"--resume-failed"}, {"test {} != f && echo {}", ":::", "a", "b", "c", "d", "e", "f"}},
      {{"--retry-failed"}, {}},
  };
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const Step& step = steps[s];
    std::string gnu = "cd " + quoted(dir_.path()) + " && parallel -k --joblog gnu.log";
    for (const auto& w : step.options) gnu += " " + quoted(w);
    for (const auto& w : step.words) gnu += " " + quoted(w);
    gnu += " < /dev/null > gnu.out 2> gnu.err";
    const int gnu_status = std::system(gnu.c_str());
    std::vector<std::string> args{"run",     "-k",       "--no-progress",
                                  "--shell", "--joblog", dir_.file("pp.log")};
    args.insert(args.end(), step.options.begin(), step.options.end());
    args.push_back("--");
    args.insert(args.end(), step.words.begin(), step.words.end());
    const auto r = run_procpool(args);
    EXPECT_EQ(r.exit_code != 0, gnu_status != 0) << "step " << s << "\n" << r.err;
    EXPECT_EQ(r.out, read_file(dir_.file("gnu.out"))) << "step " << s;
    EXPECT_EQ(seq_and_exitval(read_file(dir_.file("pp.log"))),
              seq_and_exitval(read_file(dir_.file("gnu.log"))))
        << "step " << s;
  }
  auto no_joblog = run_procpool({"run", "--resume", "--", "echo", ":::", "a"});
  EXPECT_EQ(no_joblog.exit_code, 2);
  EXPECT_NE(no_joblog.err.find("--resume needs --joblog"), std::string::npos) << no_joblog.err;
  write_file(dir_.file("foreign.log"), "not a joblog\n");
  auto foreign = run_procpool(
      {"run", "--resume", "--joblog", dir_.file("foreign.log"), "--", "echo", ":::", "a"});
  EXPECT_EQ(foreign.exit_code, 2);
  EXPECT_NE(foreign.err.find("foreign.log: line 1"), std::string::npos) << foreign.err;
}

TEST_F(RunParallelInputs, RetriesCountExtraAttemptsAndHelpSaysWhatThatIsInGnuParallel) {
  // procpool's --retries N (extra attempts, as nextest and procpool gtest/ctest) is GNU
  // parallel's --retries N+1 (runs in all): the same number of runs of a command that always fails.
  const std::string gnu = "cd " + quoted(dir_.path()) +
                          " && parallel --retries 3 'echo run >> gnu.runs; false' ::: x "
                          "> /dev/null 2>&1";
  EXPECT_NE(std::system(gnu.c_str()), 0);
  auto r = run_procpool({"run", "--no-progress", "--shell", "--retries", "2", "--",
                         "echo run >> " + dir_.file("pp.runs") + "; false", ":::", "x"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(read_file(dir_.file("pp.runs")), read_file(dir_.file("gnu.runs")));
  EXPECT_EQ(read_file(dir_.file("pp.runs")), "run\nrun\nrun\n");
  auto help = run_procpool({"run", "--help"});
  EXPECT_NE(help.out.find("its --retries 3 is this --retries 2"), std::string::npos) << help.out;
}

// Every file under `dir` with its content, as "path=content;" in path order.
std::string tree(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::string out;
  for (const auto& f : files) out += f.substr(dir.size()) + "=" + read_file(f) + ";";
  return out;
}

TEST_F(RunParallelInputs, ResultsDirectoryHasGnuParallelsLayout) {
  const std::vector<Case> cases{
      {{}, {"echo", ":::", "a", "b", ":::", "1", "2"}},
      {{}, {"echo", ":::", "x/y", "back\\slash"}},
      {{"--colsep", ","}, {"echo", "::::", "cs"}},
      {{}, {"echo", ":::", "tab\there"}},
      // Longer than a file name may be: GNU parallel cuts each to the longest the file system
      // takes (255 bytes here, even inside a UTF-8 letter); it used to fail after every task ran.
      {{}, {"echo", ":::", std::string(300, 'a'), std::string(600, 'b') + "/c", "short"}},
      {{},
       {"echo", ":::",
        "x" +
            [] {
              std::string e;
              for (int i = 0; i < 200; ++i) e += "\xc3\xa9";
              return e;
            }()}},
  };
  for (const auto& c : cases) {
    std::filesystem::remove_all(dir_.file("gnu-res"));
    std::filesystem::remove_all(dir_.file("pp-res"));
    std::string gnu = "cd " + quoted(dir_.path()) + " && parallel -q --results gnu-res";
    for (const auto& w : c.options) gnu += " " + quoted(w);
    for (const auto& w : c.words) gnu += " " + quoted(w);
    ASSERT_EQ(std::system((gnu + " > /dev/null 2>&1").c_str()), 0) << gnu;
    std::vector<std::string> args{"run", "--no-progress", "--results", dir_.file("pp-res")};
    args.insert(args.end(), c.options.begin(), c.options.end());
    args.push_back("--");
    args.insert(args.end(), c.words.begin(), c.words.end());
    const auto r = run_procpool(args, {.working_dir = dir_.path()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(tree(dir_.file("pp-res")), tree(dir_.file("gnu-res"))) << gnu;
  }
}

TEST_F(RunParallelInputs, ResultsOfDotDotOrEmptyInputsStayInTheirOwnDirectory) {
  // GNU parallel writes the results of ".." into DIR's parent and those of "" and "." into
  // DIR/1 itself, where they overwrite each other; procpool gives each a name of its own.
  auto r = run_procpool(
      {"run", "--no-progress", "--results", dir_.file("res"), "--", "echo", ":::", "..", "", "."});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(dir_.file("res/1/\\../stdout")), "..\n");
  EXPECT_EQ(read_file(dir_.file("res/1/\\/stdout")), "\n");
  EXPECT_EQ(read_file(dir_.file("res/1/\\./stdout")), ".\n");
  EXPECT_FALSE(std::filesystem::exists(dir_.file("stdout"))) << "written outside DIR";
  EXPECT_FALSE(std::filesystem::exists(dir_.file("res/1/stdout")));
}

// The joblog's Starttime column, sorted.
std::vector<double> start_times(const std::string& joblog) {
  std::istringstream lines(joblog);
  std::vector<double> times;
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    std::vector<std::string> columns;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, '\t');) columns.push_back(field);
    if (columns.size() >= 3) times.push_back(std::stod(columns[2]));
  }
  std::sort(times.begin(), times.end());
  return times;
}

TEST_F(RunParallelInputs, DelaySpacesTheStartsAsGnuParallelDoes) {
  // Four jobs, four slots, --delay 0.25: GNU parallel and procpool both start them at least
  // 0.25 s apart (the joblogs' Starttime), though every slot is free from the start.
  const std::string gnu = "cd " + quoted(dir_.path()) +
                          " && parallel -j4 --delay 0.25 --joblog gnu.log true ::: 1 2 3 4";
  ASSERT_EQ(std::system(gnu.c_str()), 0);
  auto r = run_procpool({"run", "--no-progress", "-j4", "--delay", "0.25", "--joblog",
                         dir_.file("pp.log"), "--", "true", ":::", "1", "2", "3", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string log : {"gnu.log", "pp.log"}) {
    const auto times = start_times(read_file(dir_.file(log)));
    ASSERT_EQ(times.size(), 4u) << log;
    for (std::size_t i = 1; i < times.size(); ++i) {
      EXPECT_GE(times[i] - times[i - 1], 0.24) << log << ": start " << i;
    }
  }
  EXPECT_GE(r.seconds, 0.74);
}

TEST_F(RunParallelInputs, EnvIsAWhitelistOfWhatTasksInherit) {
  // procpool's own meaning (GNU parallel's --env only matters for remote hosts): with --env, a
  // task sees the variables named (or matched by a glob) and procpool's own, nothing else.
  auto r = run_procpool({"run", "--no-progress", "-N0", "--env", "KEEP_ME", "--env", "LC_T*", "--",
                         "env", ":::", "x"},
                        {.env = {"KEEP_ME=1", "DROP_ME=2", "LC_TEST=3"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> names;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    names.push_back(line.substr(0, line.find('=')));
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"KEEP_ME", "LC_TEST", "PROCPOOL_ATTEMPT",
                                             "PROCPOOL_SLOT", "PROCPOOL_TASK_INDEX"}))
      << r.out;
  auto all = run_procpool({"run", "--no-progress", "-N0", "--", "env", ":::", "x"},
                          {.env = {"DROP_ME=2"}});
  EXPECT_NE(all.out.find("DROP_ME=2"), std::string::npos) << "without --env, everything";
}

TEST_F(RunParallelInputs, BarEtaAndProgressShowTheStatusEvenInALog) {
  // stderr is a file here: no status line unless asked; asked, a line per change (<= 1/s).
  // Each pair of tasks takes 1.2 s: longer than the 1 s between lines, so "2 done" is seen.
  const std::vector<std::string> work{"-N0", "--", "sleep", "1.2", ":::", "1", "2", "3", "4"};
  auto run_with = [&](const std::string& flag) {
    std::vector<std::string> args{"run", "-j2"};
    if (!flag.empty()) args.push_back(flag);
    args.insert(args.end(), work.begin(), work.end());
    auto r = run_procpool(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.err;
  };
  EXPECT_EQ(run_with("").find("running"), std::string::npos);
  const std::string bar = run_with("--bar");
  EXPECT_NE(bar.find("0% 0:4=0s [......"), std::string::npos) << bar;
  EXPECT_NE(bar.find("% 2:2="), std::string::npos) << "half done\n" << bar;
  const std::string eta = run_with("--eta");
  EXPECT_NE(eta.find("ETA: "), std::string::npos) << eta;
  EXPECT_NE(eta.find(" Left: 4 "), std::string::npos) << eta;
  const std::string progress = run_with("--progress");
  EXPECT_NE(progress.find("[0/4] "), std::string::npos) << progress;
  EXPECT_EQ(progress.find("\r"), std::string::npos) << "no redrawing in a log";
}

TEST_F(RunParallelInputs, WithoutACommandEachInputIsACommandLine) {
  expect_same({{}, {":::", "echo a", "echo b | tr b c"}});
  expect_same({{}, {}, "echo one\necho two\n"});
}

}  // namespace
}  // namespace procpool::testing
