// Updating a public list with its changed items (http/public_list.h): the update equals the list
// read anew whenever it is made, and it refuses exactly where it could not know the answer (an
// item leaving a list cut at its limit, a window moved back).
#include "http/public_list.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace ecotown::http {
namespace {

// A complaint of the test world: id, filing time and whether it matches the list's filter.
struct Row {
  int64_t id;
  int64_t created_at;
  bool matches;
};

std::string TextOf(const Row& row) { return std::to_string(row.id) + "@" + std::to_string(row.created_at); }

// The list read anew: the matching rows in [from, to), newest first, at most `limit`.
PublicList ReadAnew(const std::map<int64_t, Row>& rows, int limit, int64_t from, int64_t to) {
  PublicList list;
  list.limit = limit;
  list.from = from;
  list.to = to;
  for (const auto& [id, row] : rows) {
    if (row.matches && row.created_at >= from && row.created_at < to) {
      list.items.push_back({row.id, row.created_at, TextOf(row)});
    }
  }
  std::sort(list.items.begin(), list.items.end(), [](const auto& a, const auto& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
  });
  if (static_cast<int>(list.items.size()) > limit) list.items.resize(static_cast<size_t>(limit));
  return list;
}

// What the route passes to Patched: the changed rows that match now, read for [from, to).
std::vector<PublicListItem> MatchingNow(const std::map<int64_t, Row>& rows, const std::vector<int64_t>& changed,
                                        int64_t from, int64_t to) {
  std::vector<PublicListItem> out;
  for (int64_t id : changed) {
    auto it = rows.find(id);
    if (it == rows.end()) continue;
    const Row& row = it->second;
    if (row.matches && row.created_at >= from && row.created_at < to) out.push_back({id, row.created_at, TextOf(row)});
  }
  return out;
}

std::string Joined(const PublicList& list) { return JoinList(list, "[", ",", "]"); }

TEST(PublicListTest, JoinsItemsBetweenHeadAndTail) {
  PublicList list;
  EXPECT_EQ(JoinList(list, "[", ",", "]"), "[]");
  list.items = {{2, 20, "{\"b\":2}"}, {1, 10, "{\"a\":1}"}};
  EXPECT_EQ(JoinList(list, "[", ",", "]"), "[{\"b\":2},{\"a\":1}]");
  EXPECT_EQ(JoinList(list, "<r>", "", "</r>"), "<r>{\"b\":2}{\"a\":1}</r>");
}

TEST(PublicListTest, NewFilingsGoOnTopOfACutListAndPushTheOldestOut) {
  std::map<int64_t, Row> rows;
  for (int64_t id = 1; id <= 10; ++id) rows[id] = {id, 100 + id, true};
  const PublicList before = ReadAnew(rows, 4, 0, 1000);
  ASSERT_TRUE(before.cut());
  rows[11] = {11, 111, true};
  rows[12] = {12, 112, false};  // filed, but not of this list's filter
  auto updated = Patched(before, {11, 12}, MatchingNow(rows, {11, 12}, 0, 1000), 0, 1000);
  ASSERT_TRUE(updated);
  EXPECT_TRUE(updated->patched);
  EXPECT_EQ(Joined(*updated), Joined(ReadAnew(rows, 4, 0, 1000)));
}

TEST(PublicListTest, AnItemChangedInPlaceIsReplacedWhereItWas) {
  std::map<int64_t, Row> rows;
  for (int64_t id = 1; id <= 6; ++id) rows[id] = {id, 100 + id, true};
  const PublicList before = ReadAnew(rows, 4, 0, 1000);
  rows[5].created_at = 105;  // same key: a status change or a new public reply re-renders it
  auto matching = MatchingNow(rows, {5}, 0, 1000);
  matching.front().text = "5 replied";
  auto updated = Patched(before, {5}, matching, 0, 1000);
  ASSERT_TRUE(updated);
  ASSERT_EQ(updated->items.size(), 4u);
  EXPECT_EQ(updated->items[1].text, "5 replied");
  EXPECT_EQ(updated->items[0].id, 6);
  EXPECT_EQ(updated->items[3].id, 3);
}

TEST(PublicListTest, AnItemLeavingAListThatIsNotCutIsRemoved) {
  std::map<int64_t, Row> rows;
  for (int64_t id = 1; id <= 3; ++id) rows[id] = {id, 100 + id, true};
  const PublicList before = ReadAnew(rows, 4, 0, 1000);
  ASSERT_FALSE(before.cut());
  rows[2].matches = false;  // resolved: off an open list
  rows.erase(3);            // deleted
  auto updated = Patched(before, {2, 3}, MatchingNow(rows, {2, 3}, 0, 1000), 0, 1000);
  ASSERT_TRUE(updated);
  EXPECT_EQ(Joined(*updated), Joined(ReadAnew(rows, 4, 0, 1000)));
  EXPECT_EQ(Joined(*updated), "[1@101]");
}

TEST(PublicListTest, AnItemLeavingACutListRefusesTheUpdate) {
  std::map<int64_t, Row> rows;
  for (int64_t id = 1; id <= 6; ++id) rows[id] = {id, 100 + id, true};
  const PublicList before = ReadAnew(rows, 4, 0, 1000);
  rows[5].matches = false;  // item 2, cut off, would move up: only a read anew knows it
  EXPECT_FALSE(Patched(before, {5}, MatchingNow(rows, {5}, 0, 1000), 0, 1000));
  // The same when the item fell out of the window's start.
  EXPECT_FALSE(Patched(before, {}, {}, 104, 1000));
}

TEST(PublicListTest, AChangedItemOlderThanTheCutStaysOut) {
  std::map<int64_t, Row> rows;
  for (int64_t id = 1; id <= 6; ++id) rows[id] = {id, 100 + id, id != 2};
  const PublicList before = ReadAnew(rows, 3, 0, 1000);  // 6, 5, 4; 3 and 1 cut off
  rows[2].matches = true;                                // now matches, but 3 (not known to the update) comes before it
  auto updated = Patched(before, {2}, MatchingNow(rows, {2}, 0, 1000), 0, 1000);
  ASSERT_TRUE(updated);
  EXPECT_EQ(Joined(*updated), Joined(ReadAnew(rows, 3, 0, 1000)));
}

TEST(PublicListTest, AWindowThatMovedOnTakesWhatEnteredIt) {
  std::map<int64_t, Row> rows;
  for (int64_t id = 1; id <= 3; ++id) rows[id] = {id, 100 + id, true};
  const PublicList before = ReadAnew(rows, 10, 100, 104);
  rows[4] = {4, 104, true};  // filed at the old window's end: in the window that ends later
  auto updated = Patched(before, {}, MatchingNow(rows, {4}, 101, 110), 101, 110);
  ASSERT_TRUE(updated);
  EXPECT_EQ(Joined(*updated), Joined(ReadAnew(rows, 10, 101, 110)));
  // A window moved back, or a list of no window asked with one, is not updated.
  EXPECT_FALSE(Patched(before, {}, {}, 99, 110));
  EXPECT_FALSE(Patched(before, {}, {}, 100, 103));
  EXPECT_FALSE(Patched(before, {}, {}, std::nullopt, std::nullopt));
}

}  // namespace
}  // namespace ecotown::http
