// Input files read with a bound: what is refused (directories, devices), what is read whole
// (regular files, FIFOs, /dev/null), and an endless stream stopped at the bound.
#include "procpool/runner/core/bounded_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <csignal>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace procpool {
namespace {

TEST(BoundedRead, DirectoriesAndDevicesAreRefusedNamingTheFile) {
  testing::TempDir dir;
  auto as_dir = read_bounded_input(dir.path(), 1 << 20, "tasks file");
  ASSERT_FALSE(as_dir);
  EXPECT_EQ(as_dir.error(), dir.path() + ": is a directory, not a tasks file");
  auto zero = read_bounded_input("/dev/zero", 1 << 20, "tasks file");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error(), "/dev/zero: a device, not a tasks file");
  auto report = read_bounded_file("/dev/zero", 1 << 20, "report");
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().find("/dev/zero: not a regular file"), std::string::npos);
}

TEST(BoundedRead, RegularFilesFifosAndDevNullAreReadWhole) {
  testing::TempDir dir;
  testing::write_file(dir.file("plain"), "a\nb\n");
  EXPECT_EQ(*read_bounded_input(dir.file("plain"), 1 << 20, "tasks file"), "a\nb\n");
  EXPECT_EQ(*read_bounded_input("/dev/null", 1 << 20, "tasks file"), "");
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { testing::write_file(fifo, "x\ny\n"); });
  auto read = read_bounded_input(fifo, 1 << 20, "file of arguments");
  writer.join();
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(*read, "x\ny\n");
}

TEST(BoundedRead, AnEndlessStreamStopsAtTheBound) {
  testing::TempDir dir;
  const std::string fifo = dir.file("endless");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::signal(SIGPIPE, SIG_IGN);  // the writer learns the reader left by EPIPE
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    const std::string block(1 << 16, 'z');
    while (fd >= 0 && ::write(fd, block.data(), block.size()) > 0) {
    }
    if (fd >= 0) ::close(fd);
  });
  auto read = read_bounded_input(fifo, 1 << 20, "file of arguments");
  writer.join();
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(), fifo + ": larger than 1 MiB, more than a file of arguments can be");
}

}  // namespace
}  // namespace procpool
