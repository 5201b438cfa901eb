#include "modules/readings/chunk_codec.h"

#include <cmath>
#include <cstring>
#include <optional>
#include <utility>

namespace ecotown::readings {
namespace {

constexpr uint8_t kVersion = 1;
constexpr unsigned kHasFlags = 1, kHasSource = 2, kHasMask = 4;
constexpr int kFieldCount = 11;
constexpr double kMaxExact = 1125899906842624.0;  // 2^50

// The value fields in encoding order; never reorder (stored data depends on it).
constexpr std::optional<double> Reading::*kFields[kFieldCount] = {
    &Reading::pm1,           &Reading::pm2_5,        &Reading::pm10,         &Reading::pm2_5_b,
    &Reading::pm10_b,        &Reading::pm2_5_cf1,    &Reading::pm2_5_cf1_b,  &Reading::temperature_c,
    &Reading::humidity_pct,  &Reading::pressure_hpa, &Reading::co2_ppm,
};

// Calls fn(std::integral_constant<size_t, f>) for every field f in order: unrolled, so each
// field's offset is a constant.
template <typename Fn>
inline void ForEachField(Fn&& fn) {
  [&]<size_t... F>(std::index_sequence<F...>) {
    (fn(std::integral_constant<size_t, F>{}), ...);
  }(std::make_index_sequence<kFieldCount>{});
}

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// The same into a buffer with room for it (at most 10 bytes); returns the end.
char* PutVarint(char* out, uint64_t v) {
  while (v >= 0x80) {
    *out++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}

// The most one encoded reading takes: header and source bytes, varints of ts delta, flags and
// mask, and per field a token varint plus 8 raw bytes.
constexpr size_t kMaxReadingBytes = 2 + 3 * 10 + kFieldCount * (10 + sizeof(double));

uint64_t Zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t Unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// The value in hundredths when that is exact.
std::optional<int64_t> Hundredths(double v) {
  if (!std::isfinite(v) || std::fabs(v) >= kMaxExact / 100.0 || (v == 0 && std::signbit(v))) return std::nullopt;
  // The nearest integer (|scaled| < 2^50). Halves may go either way: a value exactly halfway
  // between hundredths is not h / 100 for either neighbour, so the check below refuses it anyway.
  const double scaled = v * 100.0;
  const auto h = static_cast<int64_t>(scaled >= 0 ? scaled + 0.5 : scaled - 0.5);
  if (static_cast<double>(h) / 100.0 != v) return std::nullopt;
  return h;
}

uint32_t FieldMask(const Reading& r) {
  uint32_t mask = 0;
  ForEachField([&](auto f) {
    if (r.*kFields[f]) mask |= 1u << f;
  });
  return mask;
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool Varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      const auto byte = static_cast<uint8_t>(data_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  }
  bool Byte(uint8_t& b) {
    if (pos_ >= data_.size()) return false;
    b = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }
  bool Raw(double& d) {
    if (data_.size() - pos_ < sizeof d) return false;
    std::memcpy(&d, data_.data() + pos_, sizeof d);
    pos_ += sizeof d;
    return true;
  }
  size_t pos() const { return pos_; }
  bool done() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace

void EncodeChunk(std::span<const Reading> readings, int64_t base_ts, std::string& out) {
  out.push_back(static_cast<char>(kVersion));
  PutVarint(out, readings.size());
  int64_t prev_ts = base_ts;
  core::QaFlags prev_flags = 0;
  auto prev_source = static_cast<Source>(0);
  uint32_t prev_mask = 0;
  int64_t prev_hundredths[kFieldCount] = {};
  bool first = true;
  char buffer[kMaxReadingBytes];
  for (const Reading& r : readings) {
    const uint32_t mask = FieldMask(r);
    unsigned header = 0;
    if (first || r.flags != prev_flags) header |= kHasFlags;
    if (first || r.source != prev_source) header |= kHasSource;
    if (first || mask != prev_mask) header |= kHasMask;
    char* end = buffer;
    *end++ = static_cast<char>(header);
    end = PutVarint(end, static_cast<uint64_t>(r.ts - prev_ts));
    if (header & kHasFlags) end = PutVarint(end, r.flags);
    if (header & kHasSource) *end++ = static_cast<char>(r.source);
    if (header & kHasMask) end = PutVarint(end, mask);
    ForEachField([&](auto f) {
      const auto& value = r.*kFields[f];
      if (!value) return;
      if (const auto h = Hundredths(*value)) {
        end = PutVarint(end, Zigzag(*h - prev_hundredths[f]) << 1);
        prev_hundredths[f] = *h;
      } else {
        end = PutVarint(end, 1);
        std::memcpy(end, &*value, sizeof(double));
        end += sizeof(double);
      }
    });
    out.append(buffer, static_cast<size_t>(end - buffer));
    prev_ts = r.ts;
    prev_flags = r.flags;
    prev_source = r.source;
    prev_mask = mask;
    first = false;
  }
}

std::string EncodeChunk(std::span<const Reading> readings, int64_t base_ts) {
  std::string out;
  out.reserve(8 + readings.size() * 12);
  EncodeChunk(readings, base_ts, out);
  return out;
}

Status DecodeChunk(std::string_view data, int64_t base_ts, std::vector<Reading>& out) {
  Reader in(data);
  auto corrupt = [&](const char* what) {
    return Status::Internal("reading chunk is corrupt at byte " + std::to_string(in.pos()) + ": " + what);
  };
  uint8_t version = 0;
  if (!in.Byte(version) || version != kVersion) return corrupt("unknown version");
  uint64_t count = 0;
  if (!in.Varint(count) || count > data.size()) return corrupt("bad count");
  out.reserve(out.size() + count);
  int64_t ts = base_ts;
  core::QaFlags flags = 0;
  auto source = static_cast<Source>(0);
  uint64_t mask = 0;
  int64_t hundredths[kFieldCount] = {};
  for (uint64_t i = 0; i < count; ++i) {
    uint8_t header = 0;
    uint64_t delta = 0;
    if (!in.Byte(header) || !in.Varint(delta)) return corrupt("truncated reading");
    ts += static_cast<int64_t>(delta);
    if (header & kHasFlags) {
      uint64_t v = 0;
      if (!in.Varint(v)) return corrupt("truncated flags");
      flags = static_cast<core::QaFlags>(v);
    }
    if (header & kHasSource) {
      uint8_t v = 0;
      if (!in.Byte(v) || v > static_cast<uint8_t>(Source::kMqtt)) return corrupt("bad source");
      source = static_cast<Source>(v);
    }
    if ((header & kHasMask) && !in.Varint(mask)) return corrupt("truncated field mask");
    Reading r;
    r.ts = ts;
    r.flags = flags;
    r.source = source;
    for (int f = 0; f < kFieldCount; ++f) {
      if (!(mask & (1u << f))) continue;
      uint64_t token = 0;
      if (!in.Varint(token)) return corrupt("truncated value");
      if (token == 1) {
        double d = 0;
        if (!in.Raw(d)) return corrupt("truncated raw value");
        r.*kFields[f] = d;
      } else {
        hundredths[f] += Unzigzag(token >> 1);
        r.*kFields[f] = static_cast<double>(hundredths[f]) / 100.0;
      }
    }
    out.push_back(r);
  }
  if (!in.done()) return corrupt("trailing bytes");
  return Status::Ok();
}

Result<std::vector<Reading>> DecodeChunk(std::string_view data, int64_t base_ts) {
  std::vector<Reading> out;
  RETURN_IF_ERROR(DecodeChunk(data, base_ts, out));
  return out;
}

}  // namespace ecotown::readings
