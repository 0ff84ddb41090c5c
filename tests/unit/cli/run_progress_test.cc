#include "cli/run_progress.h"

#include <cstdio>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace jsm::cli {
namespace {

TEST(RunProgress, GroupsThousands) {
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(GroupThousands(1000), "1,000");
  EXPECT_EQ(GroupThousands(1234567), "1,234,567");
  EXPECT_EQ(GroupThousands(-1234), "-1,234");
  EXPECT_EQ(GroupThousands(std::numeric_limits<int64_t>::min()), "-9,223,372,036,854,775,808");
}

TEST(RunProgress, NamesEveryStageThatRanAndTheRate) {
  EXPECT_EQ(FormatRunProgress({52000, 50000, 45000, 40000, 4.0}),
            "produced 52,000 | in bronze 50,000 | refined 45,000 | aggregated 40,000 | 13,000 events/s");
  // Nothing replayed: the rate is of bronze; stages that have read nothing yet are left out.
  EXPECT_EQ(FormatRunProgress({0, 3000, 0, 0, 2.0}), "in bronze 3,000 | 1,500 events/s");
  // No rate in the first half second.
  EXPECT_EQ(FormatRunProgress({10, 0, 0, 0, 0.1}), "produced 10 | in bronze 0");
}

TEST(RunProgress, OtherLinesClearTheProgressLineAndFinishClearsItForGood) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  ASSERT_NE(out, nullptr);
  {
    TerminalProgress progress(out);
    progress.Update({100, 0, 0, 0, 0});
    progress.Line("a notice");
    progress.Update({200, 100, 0, 0, 0});
    progress.Finish();
    progress.Update({300, 300, 0, 0, 0});  // after Finish: nothing
  }
  std::fclose(out);
  const std::string text(buffer, size);
  std::free(buffer);
  EXPECT_EQ(text, "produced 100 | in bronze 0\r\033[Ka notice\nproduced 200 | in bronze 100\r\033[K");
}

}  // namespace
}  // namespace jsm::cli
