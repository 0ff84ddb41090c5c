#include "common/process_slot.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

namespace jsm {
namespace {

class ProcessSlotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jsm-slot-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ProcessSlotTest, HoldersGetDistinctSlotsAndAFreedSlotIsTakenAgain) {
  auto first = ProcessSlot::Acquire("jsm-pipeline-ingest", 4, dir_.string());
  auto second = ProcessSlot::Acquire("jsm-pipeline-ingest", 4, dir_.string());
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->number(), 0);
  EXPECT_EQ(second->number(), 1);
  auto other_name = ProcessSlot::Acquire("another-group", 4, dir_.string());
  ASSERT_TRUE(other_name);
  EXPECT_EQ(other_name->number(), 0) << "names do not share slots";
  { ProcessSlot released = std::move(*first); }
  auto again = ProcessSlot::Acquire("jsm-pipeline-ingest", 4, dir_.string());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->number(), 0) << "the lowest free slot, as a restarted process gets its predecessor's";
}

TEST_F(ProcessSlotTest, AllSlotsHeldIsResourceExhausted) {
  auto a = ProcessSlot::Acquire("g", 2, dir_.string());
  auto b = ProcessSlot::Acquire("g", 2, dir_.string());
  ASSERT_TRUE(a && b);
  auto c = ProcessSlot::Acquire("g", 2, dir_.string());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::kResourceExhausted);
}

TEST_F(ProcessSlotTest, ASlotOfAProcessKilledWithoutCleanupIsFreeAgain) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto held = ProcessSlot::Acquire("killed", 4, dir_.string());
    const char ok = held && held->number() == 0 ? 'y' : 'n';
    (void)!::write(ready[1], &ok, 1);
    ::pause();  // until killed
    ::_exit(0);
  }
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ASSERT_EQ(ok, 'y');
  auto while_alive = ProcessSlot::Acquire("killed", 4, dir_.string());
  ASSERT_TRUE(while_alive);
  EXPECT_EQ(while_alive->number(), 1);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  auto after = ProcessSlot::Acquire("killed", 4, dir_.string());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->number(), 0);
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_F(ProcessSlotTest, NamesAreMadeSafeForAFileName) {
  auto slot = ProcessSlot::Acquire("../../etc/x y", 2, dir_.string());
  ASSERT_TRUE(slot) << slot.error().ToString();
  EXPECT_TRUE(std::filesystem::exists(dir_ / ".._.._etc_x_y.0.lock"));
}

TEST(HostName, IsNonEmptyAndSafeInAnId) {
  const std::string host = HostName();
  ASSERT_FALSE(host.empty());
  for (char c : host) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') << host;
}

}  // namespace
}  // namespace jsm
