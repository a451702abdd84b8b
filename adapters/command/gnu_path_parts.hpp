// The parts of a path GNU parallel's replacement strings take, exactly as its Perl computes
// them (parallel 20221122; the comparison with it is in run_parallel_inputs_test.cpp). They
// differ from basename(1)/dirname(1) at the edges: {.} of ".bashrc" is "", {//} of "a/" is ".".
#pragma once

#include <string>

namespace procpool::command {

// {/}: `s:^.*/::`, everything after the last slash ("a/" -> "", "/x/" -> "").
std::string gnu_basename(const std::string& path);
// {//}: Perl's File::Basename::dirname ("a/" -> ".", "/x/" -> "/", "a//b" -> "a", "" -> ".").
std::string gnu_dirname(const std::string& path);
// {.}: `s:\.[^/.]*$::`, the last extension of the last component ("." -> "", ".." -> ".",
// ".bashrc" -> "", "x." -> "x", "a.b/c" -> "a.b/c").
std::string gnu_without_extension(const std::string& path);

}  // namespace procpool::command
