// The scheduler's parts on their own: the queue with parked tasks, the slots, the dependencies.
#include <gtest/gtest.h>

#include "procpool/runner/schedule/dependencies.hpp"
#include "procpool/runner/schedule/slots.hpp"
#include "procpool/runner/schedule/waiting_tasks.hpp"

namespace procpool::schedule {
namespace {

std::vector<std::size_t> take_all(WaitingTasks& waiting) {
  std::vector<std::size_t> order;
  while (auto front = waiting.front()) {
    order.push_back(*front);
    waiting.pop_front();
  }
  return order;
}

TEST(WaitingTasks, StartInOrderWithTasksPutBackAheadOfAll) {
  WaitingTasks waiting;
  waiting.reset(4);
  EXPECT_EQ(waiting.front(), 0u);
  waiting.pop_front();
  waiting.push_front(0);  // a retry goes first again
  waiting.pop_front();
  waiting.pop_front();  // 1 started
  waiting.push_front(1);
  waiting.push_front(0);  // the later push is ahead
  EXPECT_EQ(take_all(waiting), (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_TRUE(waiting.empty());
}

TEST(WaitingTasks, AParkedTaskIsPassedOverAndComesBackToItsPlace) {
  WaitingTasks waiting;
  waiting.reset(5);
  waiting.park_front("lock:db");  // 0 waits for a lock
  EXPECT_EQ(waiting.front(), 1u) << "the front moves past it";
  waiting.pop_front();               // 1 starts
  waiting.park_front_until_woken();  // 2 waits for a prerequisite
  EXPECT_EQ(waiting.front(), 3u);
  EXPECT_FALSE(waiting.empty());
  waiting.wake("lock:other");  // nothing waits for that
  EXPECT_EQ(waiting.front(), 3u);
  waiting.wake_task(2);
  waiting.wake("lock:db");
  EXPECT_EQ(take_all(waiting), (std::vector<std::size_t>{0, 2, 3, 4})) << "back in their places";
}

TEST(WaitingTasks, ABatchIsTakenByItsBatchInQueueOrderWhereverItsMembersWait) {
  WaitingTasks waiting;
  const std::uint64_t batch_of[] = {7, 0, 7, 8, 7, 7};
  waiting.reset(6, [&](std::size_t i) { return batch_of[i]; });
  waiting.pop_front();  // 0 leads batch 7
  EXPECT_EQ(waiting.take_batch(7), (std::vector<std::size_t>{2, 4, 5}));
  EXPECT_EQ(take_all(waiting), (std::vector<std::size_t>{1, 3})) << "members taken leave the queue";

  waiting.reset(4, [&](std::size_t i) { return batch_of[i]; });  // 7 0 7 8
  waiting.park_front("held:program");  // 0 parked: out of its batch while parked
  waiting.pop_front();                 // 1
  EXPECT_EQ(waiting.front(), 2u);
  waiting.wake("held:program");
  EXPECT_EQ(waiting.front(), 0u);
  waiting.pop_front();
  EXPECT_EQ(waiting.take_batch(7), (std::vector<std::size_t>{2}));
  waiting.push_front(0, 7);
  waiting.push_front(2, 7);
  waiting.pop_front();
  EXPECT_EQ(waiting.take_batch(7), (std::vector<std::size_t>{0})) << "put back with its batch";
  EXPECT_EQ(take_all(waiting), (std::vector<std::size_t>{3}));
}

TEST(WaitingTasks, DrainGivesEveryWaitingTaskQueuedOrParkedInOrder) {
  WaitingTasks waiting;
  waiting.reset(4);
  waiting.park_front("load");
  waiting.pop_front();
  waiting.park_front_until_woken();
  EXPECT_EQ(waiting.drain(), (std::vector<std::size_t>{0, 2, 3}));
  EXPECT_TRUE(waiting.empty());
}

TEST(Slots, NumbersLoadLocksAndRunSerial) {
  Slots slots(3);
  TaskSpec wide;
  wide.processors = 2;
  TaskSpec locked;
  locked.resource_locks = {"db"};
  TaskSpec serial;
  serial.run_serial = true;
  EXPECT_EQ(slots.take(locked), 1u);
  EXPECT_EQ(slots.blocked_by(locked), std::optional<std::string>("db"));
  EXPECT_EQ(slots.take(wide), 2u);
  EXPECT_TRUE(slots.full()) << "1 + 2 processors of 3";
  EXPECT_EQ(slots.blocked_by(wide), std::optional<std::string>(""));
  EXPECT_EQ(slots.release(locked, 1), (std::vector<std::string>{"db"}));
  EXPECT_FALSE(slots.blocked_by(locked));
  EXPECT_EQ(slots.take_one(), 1u) << "the lowest free number";
  EXPECT_EQ(slots.running(), 2u);
  slots.release_one(1);
  slots.release(wide, 2);
  TaskSpec huge;
  huge.processors = 99;
  EXPECT_FALSE(slots.blocked_by(huge)) << "alone, a task may take every slot";
  slots.take(serial);
  EXPECT_TRUE(slots.serial_running());
  slots.release(serial, 1);
  EXPECT_FALSE(slots.serial_running());
  EXPECT_EQ(slots.running(), 0u);
}

TEST(Dependencies, ATaskIsFreeOnceEveryPrerequisiteHasAVerdictAndKnowsWhichFailed) {
  std::vector<TaskSpec> specs(4);
  for (std::size_t i = 0; i < specs.size(); ++i) specs[i].name = "t" + std::to_string(i);
  specs[2].after = {"t0", "t1", "missing"};
  specs[2].after_passing = {"t1"};
  specs[3].after = {"t2"};
  Dependencies deps;
  deps.link(specs);
  EXPECT_FALSE(deps.waiting(0));
  EXPECT_TRUE(deps.waiting(2));
  EXPECT_TRUE(deps.finished(0, "t0", /*passed=*/false).empty()) << "t1 still runs";
  EXPECT_EQ(deps.finished(1, "t1", /*passed=*/false), (std::vector<std::size_t>{2}));
  EXPECT_FALSE(deps.waiting(2));
  EXPECT_EQ(deps.failed(2), (std::vector<std::string>{"t1"})) << "only t1 had to pass";
  EXPECT_TRUE(deps.failed(3).empty());
}

TEST(Dependencies, NoneLinkedWhenNoTaskHasAny) {
  Dependencies deps;
  deps.link(std::vector<TaskSpec>(3));
  EXPECT_FALSE(deps.waiting(1));
  EXPECT_TRUE(deps.failed(1).empty());
  EXPECT_TRUE(deps.finished(1, "x", true).empty());
}

}  // namespace
}  // namespace procpool::schedule
