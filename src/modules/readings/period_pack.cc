#include "modules/readings/period_pack.h"

#include <bit>
#include <cstring>

namespace ecotown::readings {
namespace {

static_assert(std::endian::native == std::endian::little, "the packed layout is written in native little-endian");

constexpr unsigned char kVersion = 1;

template <typename T>
void Put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <typename T>
T Get(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

}  // namespace

std::string PackSubPeriods(std::span<const SubPeriodSum> sums) {
  std::string out;
  out.reserve(1 + sums.size() * 22);
  out.push_back(static_cast<char>(kVersion));
  for (const SubPeriodSum& s : sums) {
    out.push_back(static_cast<char>(static_cast<unsigned char>(s.slot)));
    out.push_back(s.at_end ? 1 : 0);
    Put(out, static_cast<uint32_t>(s.pm25.count));
    Put(out, s.pm25.sum);
    if (s.at_end) Put(out, *s.at_end);
  }
  return out;
}

Status UnpackSubPeriods(std::string_view data, std::vector<SubPeriodSum>& out) {
  if (data.empty()) return Status::Ok();
  if (static_cast<unsigned char>(data[0]) != kVersion) {
    return Status::Internal("packed sub-periods: unknown version " + std::to_string(static_cast<unsigned char>(data[0])));
  }
  size_t at = 1;
  constexpr size_t kFixed = 2 + sizeof(uint32_t) + sizeof(double);
  while (at < data.size()) {
    if (data.size() - at < kFixed) return Status::Internal("packed sub-periods truncated at byte " + std::to_string(at));
    const char* p = data.data() + at;
    SubPeriodSum s;
    s.slot = static_cast<unsigned char>(p[0]);
    const bool has_end = p[1] != 0;
    s.pm25.count = Get<uint32_t>(p + 2);
    s.pm25.sum = Get<double>(p + 6);
    at += kFixed;
    if (has_end) {
      if (data.size() - at < sizeof(double)) {
        return Status::Internal("packed sub-periods truncated at byte " + std::to_string(at));
      }
      s.at_end = Get<double>(data.data() + at);
      at += sizeof(double);
    }
    out.push_back(s);
  }
  return Status::Ok();
}

}  // namespace ecotown::readings
