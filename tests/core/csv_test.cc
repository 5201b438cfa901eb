#include "core/csv.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ecotown::core {
namespace {

TEST(CsvReaderTest, ReadsQuotedFieldsAndCrlf) {
  std::istringstream in("\xEF\xBB\xBFid,name\r\n1,\"Ban Pong, Ratchaburi\"\r\n2,\"say \"\"hi\"\"\"\n3,\n");
  CsvReader reader(in);
  std::vector<std::string> f;
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(f, (std::vector<std::string>{"id", "name"}));
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(f, (std::vector<std::string>{"1", "Ban Pong, Ratchaburi"}));
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(f, (std::vector<std::string>{"2", "say \"hi\""}));
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(f, (std::vector<std::string>{"3", ""}));
  EXPECT_FALSE(reader.Next(f));
  EXPECT_TRUE(reader.error().empty());
}

TEST(CsvReaderTest, QuotedFieldMaySpanLines) {
  std::istringstream in("a,\"line one\nline two\",c\n");
  CsvReader reader(in);
  std::vector<std::string> f;
  ASSERT_TRUE(reader.Next(f));
  EXPECT_EQ(f, (std::vector<std::string>{"a", "line one\nline two", "c"}));
}

TEST(CsvReaderTest, ReportsUnclosedQuote) {
  std::istringstream in("a,\"never closed\n");
  CsvReader reader(in);
  std::vector<std::string> f;
  ASSERT_TRUE(reader.Next(f));
  EXPECT_FALSE(reader.error().empty());
}

}  // namespace
}  // namespace ecotown::core
