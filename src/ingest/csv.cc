#include "ingest/csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "core/thai_calendar.h"
#include "ingest/parse_util.h"

namespace ecotown::ingest {
namespace {

enum class Column : uint8_t {
  kIgnore,
  kSensorId,
  kTs,
  kPm1,
  kPm25,
  kPm10,
  kTemperature,
  kHumidity,
  kPressureHpa,
  kPressurePa,
  kCo2,
};

struct ColumnName {
  std::string_view name;  // lower case; headers are compared case-insensitively
  Column column;
};

constexpr ColumnName kImportColumns[] = {
    {"sensor_id", Column::kSensorId},
    {"ts", Column::kTs},
    {"pm1", Column::kPm1},
    {"pm2_5", Column::kPm25},
    {"pm10", Column::kPm10},
    {"temperature", Column::kTemperature},
    {"humidity", Column::kHumidity},
    {"pressure", Column::kPressureHpa},
    {"co2", Column::kCo2},
};

constexpr ColumnName kArchiveColumns[] = {
    {"sensor_id", Column::kSensorId},
    {"timestamp", Column::kTs},
    {"p1", Column::kPm10},
    {"p2", Column::kPm25},
    {"p0", Column::kPm1},
    {"temperature", Column::kTemperature},
    {"humidity", Column::kHumidity},
    {"pressure", Column::kPressurePa},
};

struct Dialect {
  std::span<const ColumnName> columns;
  char delimiter;  // '\0': ';' if the header has one, else ','
  int64_t naive_offset_seconds;
};

// One read block plus room for the longest record carried over from the previous block.
constexpr size_t kBufferBytes = (size_t{1} << 20) + kMaxCsvRecordBytes;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// Exact powers of ten a double holds.
constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// The common cell, "-12.34" with at most 15 digits: the digits form an integer that a double
// holds exactly, and one division by an exact power of ten rounds correctly (Clinger's fast
// path), so the result equals std::from_chars'. Anything else returns false for the general path.
bool ParseSimpleDecimal(std::string_view text, double& out) {
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  const char* const first = p;
  uint64_t mantissa = 0;
  while (p < end && static_cast<unsigned char>(*p - '0') <= 9)
    mantissa = mantissa * 10 + static_cast<uint64_t>(*p++ - '0');
  const auto integer_digits = static_cast<size_t>(p - first);
  size_t fraction_digits = 0;
  if (p < end && *p == '.') {
    const char* const fraction = ++p;
    while (p < end && static_cast<unsigned char>(*p - '0') <= 9)
      mantissa = mantissa * 10 + static_cast<uint64_t>(*p++ - '0');
    fraction_digits = static_cast<size_t>(p - fraction);
  }
  const size_t digits = integer_digits + fraction_digits;
  if (p != end || digits == 0 || digits > 15) return false;
  const double value = static_cast<double>(mantissa) / kPowersOfTen[fraction_digits];
  out = negative ? -value : value;
  return true;
}

class Reader {
 public:
  Reader(std::istream& in, const Dialect& dialect, const ReadingCallback& on_row, const RowErrorCallback& on_error)
      : in_(in), dialect_(dialect), on_row_(on_row), on_error_(on_error) {
    reading_.source = readings::Source::kCsv;
  }

  Result<CsvReadStats> Run() {
    // Not zero-filled: only bytes read are ever looked at.
    buffer_ = std::make_unique_for_overwrite<char[]>(kBufferBytes);
    RETURN_IF_ERROR(Fill());
    if (end_ >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) begin_ = 3;
    RETURN_IF_ERROR(ReadHeader());

    for (;;) {
      size_t pos = begin_;
      const char* const data = buffer_.get();
      for (;;) {
        const void* newline = std::memchr(data + pos, '\n', end_ - pos);
        if (newline == nullptr) break;
        const size_t line_end = static_cast<size_t>(static_cast<const char*>(newline) - data);
        if (std::memchr(data + pos, '"', line_end - pos) != nullptr) {
          const size_t record_end = QuotedRecord(pos);
          if (record_end == kIncomplete) break;
          if (record_end - pos > kMaxCsvRecordBytes) return RecordTooLong();
          pos = record_end;
          continue;
        }
        if (line_end - pos > kMaxCsvRecordBytes) return RecordTooLong();
        ++line_;
        PlainRecord(data + pos, data + line_end);
        pos = line_end + 1;
      }
      begin_ = pos;
      if (eof_) break;
      if (end_ - begin_ >= kMaxCsvRecordBytes) return RecordTooLong();
      RETURN_IF_ERROR(Fill());
    }
    // The last record may lack its newline.
    if (begin_ < end_) {
      const char* const data = buffer_.get();
      if (end_ - begin_ > kMaxCsvRecordBytes) return RecordTooLong();
      if (std::memchr(data + begin_, '"', end_ - begin_) != nullptr) {
        if (QuotedRecord(begin_) == kIncomplete) return RecordTooLong();
      } else {
        ++line_;
        PlainRecord(data + begin_, data + end_);
      }
    }
    stats_.lines = line_;
    return std::move(stats_);
  }

 private:
  static constexpr size_t kIncomplete = std::numeric_limits<size_t>::max();

  // Moves the unread tail to the front and reads more; sets eof_ when the stream is exhausted.
  Status Fill() {
    if (begin_ > 0) {
      std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    while (end_ < kBufferBytes && !eof_) {
      in_.read(buffer_.get() + end_, static_cast<std::streamsize>(kBufferBytes - end_));
      const auto count = static_cast<size_t>(in_.gcount());
      end_ += count;
      if (in_.bad()) return Status::Unavailable("reading the CSV stream failed after line " + std::to_string(line_));
      if (!in_) eof_ = true;
      if (count > 0) break;
    }
    return Status::Ok();
  }

  Status RecordTooLong() const {
    return Status::Invalid("line " + std::to_string(line_ + 1) + ": record longer than " +
                           std::to_string(kMaxCsvRecordBytes) + " bytes (an unclosed quote?)");
  }

  Status ReadHeader() {
    // The header is short: make sure it is whole in the buffer, then split it like any record.
    const char* data = buffer_.get();
    const void* newline = std::memchr(data + begin_, '\n', end_ - begin_);
    if (newline == nullptr && !eof_) return RecordTooLong();
    if (begin_ == end_) return Status::Invalid("empty file: expected a header line");
    const size_t header_end = newline == nullptr ? end_ : static_cast<size_t>(static_cast<const char*>(newline) - data);
    delimiter_ = dialect_.delimiter;
    if (delimiter_ == '\0') {
      delimiter_ = std::memchr(data + begin_, ';', header_end - begin_) != nullptr ? ';' : ',';
    }
    const size_t consumed = SplitQuoted(begin_, /*at_eof=*/true);
    if (consumed == kIncomplete) return RecordTooLong();
    begin_ = consumed;
    ++line_;
    line_ += extra_lines_;

    columns_.assign(fields_.size(), Column::kIgnore);
    names_.clear();
    bool have_sensor = false, have_ts = false;
    for (size_t i = 0; i < fields_.size(); ++i) {
      const std::string_view name = Trim(fields_[i]);
      names_.emplace_back(name);
      const auto known = std::find_if(dialect_.columns.begin(), dialect_.columns.end(),
                                      [&](const ColumnName& column) { return EqualsLower(name, column.name); });
      if (known == dialect_.columns.end()) {
        stats_.ignored_columns.emplace_back(name);
        continue;
      }
      for (size_t j = 0; j < i; ++j) {
        if (columns_[j] == known->column) {
          return Status::Invalid(
              "header (line " + std::to_string(line_) + "): column " + QuoteForMessage(known->name) + " appears twice",
              std::string(known->name));
        }
      }
      columns_[i] = known->column;
      have_sensor = have_sensor || known->column == Column::kSensorId;
      have_ts = have_ts || known->column == Column::kTs;
    }
    for (const ColumnName& column : dialect_.columns) {
      const bool missing =
          (column.column == Column::kSensorId && !have_sensor) || (column.column == Column::kTs && !have_ts);
      if (missing) {
        return Status::Invalid("header (line " + std::to_string(line_) + "): required column " +
                                   QuoteForMessage(column.name) + " is missing",
                               std::string(column.name));
      }
    }
    return Status::Ok();
  }

  // Splits the record at buffer_[pos...] honouring RFC 4180 quotes into fields_; returns the
  // position after its line end, or kIncomplete when the buffer ends first (unless at_eof, when
  // the buffer's end closes it). extra_lines_ counts newlines inside quotes.
  size_t SplitQuoted(size_t pos, bool at_eof) {
    fields_.clear();
    extra_lines_ = 0;
    const char* data = buffer_.get();
    std::string field;
    bool quoted = false;
    bool in_quotes = false;
    size_t i = pos;
    for (;; ++i) {
      if (i == end_) {
        if (!at_eof || in_quotes) {
          if (in_quotes && at_eof) unclosed_quote_ = true;
          if (!at_eof) return kIncomplete;
        }
        if (!field.empty() && !quoted && field.back() == '\r') field.pop_back();
        fields_.push_back(std::move(field));
        return i;
      }
      const char c = data[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < end_ && data[i + 1] == '"') {
            field += '"';
            ++i;
          } else if (i + 1 == end_ && !at_eof) {
            return kIncomplete;  // cannot tell "" from " yet
          } else {
            in_quotes = false;
          }
        } else {
          if (c == '\n') ++extra_lines_;
          field += c;
        }
        continue;
      }
      if (c == '\n') {
        if (!field.empty() && field.back() == '\r') field.pop_back();
        fields_.push_back(std::move(field));
        return i + 1;
      }
      if (c == delimiter_) {
        fields_.push_back(std::move(field));
        field.clear();
        quoted = false;
      } else if (c == '"' && field.empty() && !quoted) {
        quoted = true;
        in_quotes = true;
      } else {
        field += c;
      }
    }
  }

  // A record with quotes: split it, then handle it as a row. Returns the position after it or
  // kIncomplete (more input needed).
  size_t QuotedRecord(size_t pos) {
    unclosed_quote_ = false;
    const size_t next = SplitQuoted(pos, eof_);
    if (next == kIncomplete) return kIncomplete;
    ++line_;
    const size_t first_line = line_;
    line_ += extra_lines_;
    if (unclosed_quote_) {
      ReportRow(first_line, Status::Invalid("line " + std::to_string(first_line) + ": unclosed quote"));
      return next;
    }
    if (fields_.size() == 1 && fields_[0].empty()) return next;  // blank line
    BeginRow();
    for (size_t column = 0; column < fields_.size(); ++column) {
      if (column < columns_.size() && !Cell(first_line, column, fields_[column])) return next;
    }
    FinishRow(first_line, fields_.size());
    return next;
  }

  // A record without quotes: cells are views into the buffer.
  void PlainRecord(const char* p, const char* end) {
    if (end > p && end[-1] == '\r') --end;
    if (p == end) return;  // blank line
    BeginRow();
    size_t column = 0;
    const size_t known_columns = columns_.size();
    for (;;) {
      const char* cell = p;
      while (p < end && *p != delimiter_) ++p;
      if (column < known_columns && !Cell(line_, column, std::string_view(cell, static_cast<size_t>(p - cell)))) {
        return;
      }
      ++column;
      if (p == end) break;
      ++p;
    }
    FinishRow(line_, column);
  }

  void BeginRow() {
    reading_.device_key.clear();
    reading_.ts = 0;
    reading_.source = readings::Source::kCsv;
    reading_.pm1.reset();
    reading_.pm2_5.reset();
    reading_.pm10.reset();
    reading_.pm2_5_b.reset();
    reading_.pm10_b.reset();
    reading_.pm2_5_cf1.reset();
    reading_.pm2_5_cf1_b.reset();
    reading_.temperature_c.reset();
    reading_.humidity_pct.reset();
    reading_.pressure_hpa.reset();
    reading_.co2_ppm.reset();
    reading_.signal_dbm.reset();
    reading_.firmware.clear();
  }

  void FinishRow(size_t line, size_t cells) {
    if (cells != columns_.size()) {
      ReportRow(line, Status::Invalid("line " + std::to_string(line) + ": " + std::to_string(cells) +
                                      " cells, the header has " + std::to_string(columns_.size())));
      return;
    }
    if (!HasMeasurement(reading_)) {
      ReportRow(line, Status::Invalid("line " + std::to_string(line) + ": no measurement (every value cell is empty)"));
      return;
    }
    ++stats_.rows;
    on_row_(std::move(reading_));
  }

  void ReportRow(size_t line, const Status& error) {
    ++stats_.errors;
    on_error_(line, error);
  }

  bool CellError(size_t line, size_t column, const std::string& reason) {
    const std::string& name = names_[column];
    ReportRow(line, Status::Invalid("line " + std::to_string(line) + ", column " + std::to_string(column + 1) + " (" +
                                        PrintableForMessage(name, 40) + "): " + reason,
                                    PrintableForMessage(name, kMaxDeviceKeyBytes)));
    return false;
  }

  // Stores one cell; false (after reporting) when it is bad.
  bool Cell(size_t line, size_t column, std::string_view text) {
    const Column kind = columns_[column];
    switch (kind) {
      case Column::kIgnore:
        return true;
      case Column::kSensorId: {
        const std::string_view id = Trim(text);
        if (id.empty()) return CellError(line, column, "empty sensor id");
        if (!IsValidDeviceKey(id)) return CellError(line, column, QuoteForMessage(id) + " is not a valid sensor id");
        reading_.device_key.assign(id.data(), id.size());
        return true;
      }
      case Column::kTs: {
        int64_t seconds = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (error == std::errc() && end == text.data() + text.size() && seconds >= kMinTimestamp &&
            seconds <= kMaxTimestamp) {
          reading_.ts = seconds;
          return true;
        }
        const std::string_view trimmed = Trim(text);
        if (trimmed.empty()) return CellError(line, column, "empty time");
        const auto ts = ParseTimestamp(trimmed, dialect_.naive_offset_seconds);
        if (!ts) {
          return CellError(
              line, column,
              QuoteForMessage(trimmed) + " is not Unix seconds or an ISO 8601 time (2026-01-05T08:00:00Z)");
        }
        reading_.ts = *ts;
        return true;
      }
      default:
        break;
    }
    if (text.empty()) return true;  // absent
    double value = 0.0;
    if (!ParseSimpleDecimal(text, value)) {
      const std::string_view trimmed = Trim(text);
      if (trimmed.empty()) return true;
      if (trimmed == "NaN" || trimmed == "nan" || trimmed == "NAN") {
        value = std::numeric_limits<double>::quiet_NaN();
      } else if (const auto number = ParseDecimal(trimmed)) {
        value = *number;
      } else {
        return CellError(line, column, QuoteForMessage(trimmed) + " is not a number");
      }
    }
    switch (kind) {
      case Column::kPm1:
        reading_.pm1 = value;
        break;
      case Column::kPm25:
        reading_.pm2_5 = value;
        break;
      case Column::kPm10:
        reading_.pm10 = value;
        break;
      case Column::kTemperature:
        reading_.temperature_c = value;
        break;
      case Column::kHumidity:
        reading_.humidity_pct = value;
        break;
      case Column::kPressureHpa:
        reading_.pressure_hpa = value;
        break;
      case Column::kPressurePa:
        reading_.pressure_hpa = value / 100.0;
        break;
      case Column::kCo2:
        reading_.co2_ppm = value;
        break;
      default:
        break;
    }
    return true;
  }

  std::istream& in_;
  const Dialect& dialect_;
  const ReadingCallback& on_row_;
  const RowErrorCallback& on_error_;

  std::unique_ptr<char[]> buffer_;  // kBufferBytes
  size_t begin_ = 0;                // first unread byte
  size_t end_ = 0;                  // end of the bytes read
  bool eof_ = false;
  size_t line_ = 0;  // lines consumed so far
  char delimiter_ = ',';

  std::vector<Column> columns_;      // per header column
  std::vector<std::string> names_;   // header names as written
  std::vector<std::string> fields_;  // scratch for quoted records
  size_t extra_lines_ = 0;
  bool unclosed_quote_ = false;

  readings::RawReading reading_;
  CsvReadStats stats_;
};

}  // namespace

Result<CsvReadStats> ReadCsvReadings(std::istream& in, const ReadingCallback& on_row,
                                     const RowErrorCallback& on_error) {
  static constexpr Dialect kDialect{kImportColumns, ',', core::kBangkokUtcOffsetSeconds};
  return Reader(in, kDialect, on_row, on_error).Run();
}

Result<CsvReadStats> ReadSensorCommunityArchive(std::istream& in, const ReadingCallback& on_row,
                                                const RowErrorCallback& on_error) {
  static constexpr Dialect kDialect{kArchiveColumns, '\0', 0};
  return Reader(in, kDialect, on_row, on_error).Run();
}

}  // namespace ecotown::ingest
