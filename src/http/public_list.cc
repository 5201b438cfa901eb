#include "http/public_list.h"

#include <algorithm>
#include <unordered_set>

namespace ecotown::http {
namespace {

// ComplaintStore::List's order: newest first.
bool Before(const PublicListItem& a, const PublicListItem& b) {
  return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
}

}  // namespace

std::optional<PublicList> Patched(const PublicList& before, const std::vector<int64_t>& changed,
                                  std::vector<PublicListItem> matching, std::optional<int64_t> from,
                                  std::optional<int64_t> to) {
  // A window that moved back would need items that were never read.
  if (from.has_value() != before.from.has_value() || to.has_value() != before.to.has_value()) return std::nullopt;
  if (from && *from < *before.from) return std::nullopt;
  if (to && *to < *before.to) return std::nullopt;
  std::unordered_set<int64_t> replaced(changed.begin(), changed.end());
  for (const auto& item : matching) replaced.insert(item.id);
  PublicList out;
  out.limit = before.limit;
  out.from = from;
  out.to = to;
  out.patched = true;
  out.items.reserve(before.items.size() + matching.size());
  bool left = false;  // an item of `before` is not in the new list
  for (const auto& item : before.items) {
    if (replaced.count(item.id) || (from && item.created_at < *from)) {
      left = left || !std::any_of(matching.begin(), matching.end(), [&](const auto& m) { return m.id == item.id; });
      continue;
    }
    out.items.push_back(item);
  }
  // What was cut off a cut list may now belong in it.
  if (left && before.cut()) return std::nullopt;
  for (auto& item : matching) {
    if (before.cut() && !before.items.empty() && Before(before.items.back(), item)) {
      // Older than the cut: it was not in the list, and something cut off may come before it.
      const bool was_listed =
          std::any_of(before.items.begin(), before.items.end(), [&](const auto& b) { return b.id == item.id; });
      if (!was_listed) continue;
    }
    out.items.push_back(std::move(item));
  }
  std::stable_sort(out.items.begin(), out.items.end(), Before);
  if (static_cast<int>(out.items.size()) > out.limit) out.items.resize(static_cast<size_t>(out.limit));
  return out;
}

std::string JoinList(const PublicList& list, std::string_view head, std::string_view separator, std::string_view tail) {
  size_t size = head.size() + tail.size();
  for (const auto& item : list.items) size += item.text.size() + separator.size();
  std::string out;
  out.reserve(size);
  out += head;
  for (size_t i = 0; i < list.items.size(); ++i) {
    if (i) out += separator;
    out += list.items[i].text;
  }
  out += tail;
  return out;
}

}  // namespace ecotown::http
