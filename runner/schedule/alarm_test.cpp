#include "procpool/runner/schedule/alarm.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace procpool::schedule {
namespace {

using std::chrono::milliseconds;

TEST(Alarm, RingsOnceAndIsThenDisarmed) {
  boost::asio::io_context io;
  Alarm alarm(io);
  int rang = 0;
  alarm.ring_after(milliseconds(1), [&] { ++rang; });
  EXPECT_TRUE(alarm.armed());
  io.run();
  EXPECT_EQ(rang, 1);
  EXPECT_FALSE(alarm.armed());
}

// A cancelled wait still reaches the loop (as "aborted") after the alarm may have been set
// again: it must neither ring nor say the new wait is over.
TEST(Alarm, AWaitCancelledAndSetAgainStaysArmedUntilItRings) {
  boost::asio::io_context io;
  Alarm alarm(io);
  int first = 0, second = 0;
  alarm.ring_after(milliseconds(1), [&] { ++first; });
  alarm.cancel();
  EXPECT_FALSE(alarm.armed());
  alarm.ring_after(std::chrono::hours(1), [&] { ++second; });
  io.poll();  // runs the cancelled wait's handler, nothing else is due
  EXPECT_EQ(first, 0);
  EXPECT_TRUE(alarm.armed()) << "the cancelled wait disarmed the one set after it";
  alarm.cancel();
  io.run();
  EXPECT_EQ(second, 0);
}

}  // namespace
}  // namespace procpool::schedule
