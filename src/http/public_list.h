// A public list answer kept in parts (its rendered items with their sort keys), so that after a
// change to a few of its items the list can be updated with just those instead of rebuilt: an
// Open311 request list of 1,000 requests after one filing (routes_open311.cc).
//
// The items are in the order ComplaintStore::List returns them, newest first (created_at, then
// id, both descending). An update is exact, i.e. equal to the list read anew, only when every item
// that belongs to the new list is known: the ones kept, the changed ones that match now, and, when
// the list was cut at its limit, nothing that was cut off can move up. So an item leaving a cut
// list (a status filter it no longer matches, a window it fell out of) makes the update refuse,
// and the caller rebuilds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ecotown::http {

struct PublicListItem {
  int64_t id = 0;
  int64_t created_at = 0;
  std::string text;  // the item as it appears in the answer
};

struct PublicList {
  std::vector<PublicListItem> items;  // newest first
  int limit = 0;                      // the most items the list shows; a list that long may be cut
  std::optional<int64_t> from;        // the window the items were read for: created_at >= from
  std::optional<int64_t> to;          // created_at < to
  bool patched = false;               // made by Patched, not read anew (counted by the cache)

  bool cut() const { return static_cast<int>(items.size()) >= limit; }
};

// `before` after the complaints `changed` changed, given `matching`: those of them that match the
// list's filters now, rendered, with any complaint that newly entered the window, all read for the
// window [from, to) (from and to no older than before's). nullopt when the result could differ
// from the list read anew (see above): rebuild then.
std::optional<PublicList> Patched(const PublicList& before, const std::vector<int64_t>& changed,
                                  std::vector<PublicListItem> matching, std::optional<int64_t> from,
                                  std::optional<int64_t> to);

// The list's items between `head` and `tail`, separated by `separator`.
std::string JoinList(const PublicList& list, std::string_view head, std::string_view separator, std::string_view tail);

}  // namespace ecotown::http
