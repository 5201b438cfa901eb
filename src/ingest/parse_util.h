// Scalar parsing shared by the ingest parsers: strict decimal numbers, Unix and ISO 8601 times,
// device keys, and quoting of untrusted text in error messages. Not an entry point: each wire
// format has its own header (airrohr.h, airgradient.h, purpleair.h, air4thai.h, csv.h,
// json_batch.h). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "modules/readings/raw_reading.h"

namespace ecotown::ingest {

// A strict decimal number as devices write it: optional '-', digits, optional fraction,
// optional exponent ("23.43", "-67", "100845.44", "1e3"). No '+', no spaces, no hex, no
// "inf"/"nan". nullopt when the text is anything else or the value is not a finite double.
std::optional<double> ParseDecimal(std::string_view text);

// A whole number in decimal ("145000", "-67"). nullopt for anything else or on overflow.
std::optional<int64_t> ParseInteger(std::string_view text);

// Earliest and latest measurement time accepted from files and batches: 1970-01-01T00:00:01Z
// (0 means "no time" in RawReading) and 9999-12-31T23:59:59Z.
inline constexpr int64_t kMinTimestamp = 1;
inline constexpr int64_t kMaxTimestamp = 253'402'300'799;

// Unix seconds written as a whole decimal number, within [kMinTimestamp, kMaxTimestamp].
std::optional<int64_t> ParseUnixSeconds(std::string_view text);

// ISO 8601 date and time, "YYYY-MM-DD" then 'T' or ' ' then "HH:MM", optional ":SS" and an
// optional fraction (dropped: readings have whole seconds), then an optional zone: 'Z'/'z',
// "+07:00", "+0700" or "+07". Without a zone the time is local at naive_offset_seconds east of
// UTC. Returns Unix seconds, or nullopt for anything else (including impossible dates such as
// 2026-02-30, hour 24 and leap second 60) or a time outside [kMinTimestamp, kMaxTimestamp].
std::optional<int64_t> ParseIsoTimestamp(std::string_view text, int64_t naive_offset_seconds);

// Unix seconds as a whole number or ISO 8601 text (see above).
std::optional<int64_t> ParseTimestamp(std::string_view text, int64_t naive_offset_seconds);

// Longest device key accepted, bytes.
inline constexpr size_t kMaxDeviceKeyBytes = 128;

// A device key from outside: 1..kMaxDeviceKeyBytes bytes of valid UTF-8 without control
// characters and without leading or trailing spaces.
bool IsValidDeviceKey(std::string_view key);

// Untrusted text for an error message: at most max_bytes (cut on a character boundary, "..."
// appended), bytes that are not printable valid UTF-8 written as \xNN, in double quotes (a '"'
// or '\' inside is escaped the same way).
std::string QuoteForMessage(std::string_view text, size_t max_bytes = 40);
// The same without the quotes and leaving '"' and '\' as they are.
std::string PrintableForMessage(std::string_view text, size_t max_bytes);

// True when the reading carries at least one measured quantity (PM, temperature, humidity,
// pressure or CO2); device-health fields alone do not count.
bool HasMeasurement(const readings::RawReading& reading);

// Degrees Fahrenheit to Celsius.
inline double FahrenheitToCelsius(double fahrenheit) { return (fahrenheit - 32.0) * 5.0 / 9.0; }

}  // namespace ecotown::ingest
