// CSV readers: our import format (the benchmark CSV is a subset) and the Sensor.Community
// archive, checked against the real Aberdeen files in shared/data.
#include "ingest/csv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/ingest_test_data.h"

namespace ecotown::ingest {
namespace {

struct Collected {
  std::vector<readings::RawReading> rows;
  std::vector<std::pair<size_t, Status>> errors;
  Result<CsvReadStats> stats = Status::Internal("not run");
};

Collected ReadImport(const std::string& text) {
  Collected out;
  std::istringstream in(text);
  out.stats = ReadCsvReadings(
      in, [&](readings::RawReading&& r) { out.rows.push_back(std::move(r)); },
      [&](size_t line, const Status& error) { out.errors.emplace_back(line, error); });
  return out;
}

Collected ReadArchive(std::istream& in) {
  Collected out;
  out.stats = ReadSensorCommunityArchive(
      in, [&](readings::RawReading&& r) { out.rows.push_back(std::move(r)); },
      [&](size_t line, const Status& error) { out.errors.emplace_back(line, error); });
  return out;
}

std::string Errors(const Collected& c) {
  std::string text;
  for (const auto& [line, error] : c.errors) text += std::to_string(line) + ": " + error.ToString() + "\n";
  return text;
}

TEST(CsvReadingsTest, BenchmarkFormat) {
  // The first lines of gen_readings --sensors 50 --days 30 --seed 42 (shared/bench), plus its NaN rows.
  const auto c = ReadImport(
      "sensor_id,ts,pm2_5,pm10,temperature,humidity\n"
      "s0001,1735689600,46.6,68.1,23.7,65.3\n"
      "s0002,1735689600,38.4,60.5,22.6,68.5\n"
      "s0016,1735693680,NaN,NaN,25.1,66.2\n"
      "s0003,1735689600,-3.2,999.9,23.0,63.7\n");
  ASSERT_TRUE(c.stats.ok()) << c.stats.status().ToString();
  EXPECT_TRUE(c.errors.empty()) << Errors(c);
  ASSERT_EQ(c.rows.size(), 4u);
  EXPECT_EQ(c.stats->rows, 4u);
  EXPECT_EQ(c.stats->lines, 5u);
  EXPECT_TRUE(c.stats->ignored_columns.empty());
  const auto& r = c.rows[0];
  EXPECT_EQ(r.device_key, "s0001");
  EXPECT_EQ(r.ts, 1735689600);
  EXPECT_EQ(r.source, readings::Source::kCsv);
  EXPECT_EQ(r.pm2_5, 46.6);
  EXPECT_EQ(r.pm10, 68.1);
  EXPECT_EQ(r.temperature_c, 23.7);
  EXPECT_EQ(r.humidity_pct, 65.3);
  EXPECT_FALSE(r.pm1.has_value());
  EXPECT_FALSE(r.pressure_hpa.has_value());
  // NaN is present-but-NaN (quiet), for QA to flag; negative and spike values are kept as delivered.
  ASSERT_TRUE(c.rows[2].pm2_5.has_value());
  EXPECT_TRUE(std::isnan(*c.rows[2].pm2_5));
  EXPECT_EQ(c.rows[3].pm2_5, -3.2);
  EXPECT_EQ(c.rows[3].pm10, 999.9);
}

TEST(CsvReadingsTest, AllColumnsAnyOrderCaseInsensitiveHeader) {
  const auto c = ReadImport(
      " PM1 ,CO2,Pressure,humidity,temperature,pm10,pm2_5,TS,Sensor_ID\n"
      "1.5,415,1008.25,70,31.2,20,12.3,1767574800,station-7\n");
  ASSERT_TRUE(c.stats.ok()) << c.stats.status().ToString();
  ASSERT_EQ(c.rows.size(), 1u) << Errors(c);
  const auto& r = c.rows[0];
  EXPECT_EQ(r.device_key, "station-7");
  EXPECT_EQ(r.pm1, 1.5);
  EXPECT_EQ(r.co2_ppm, 415.0);
  EXPECT_EQ(r.pressure_hpa, 1008.25);
  EXPECT_EQ(r.pm2_5, 12.3);
}

// The reader's fast decimal path must give exactly what strtod gives.
TEST(CsvReadingsTest, NumbersEqualStrtod) {
  const char* numbers[] = {"0",
                           "-0",
                           "46.6",
                           "999.9",
                           "0.1",
                           "-3.2",
                           "12.70",
                           "100845.44",
                           ".5",
                           "5.",
                           "-.25",
                           "0001.50",
                           "123456789012345",
                           "1234567890123456",
                           "0.123456789012345",
                           "9007199254740993",
                           "1e3",
                           "2.5E-2",
                           "-1.7976931348623157e308",
                           "4.9e-324",
                           "12345678.87654321"};
  std::string text = "sensor_id,ts,pm2_5\n";
  for (const char* number : numbers) text += std::string("a,1767574800,") + number + "\n";
  const auto c = ReadImport(text);
  ASSERT_EQ(c.rows.size(), std::size(numbers)) << Errors(c);
  for (size_t i = 0; i < std::size(numbers); ++i) {
    EXPECT_EQ(*c.rows[i].pm2_5, std::strtod(numbers[i], nullptr)) << numbers[i];
    EXPECT_EQ(std::signbit(*c.rows[i].pm2_5), std::signbit(std::strtod(numbers[i], nullptr))) << numbers[i];
  }
}

TEST(CsvReadingsTest, IsoTimesWithZoneOffsetOrBangkokDefault) {
  const auto c = ReadImport(
      "sensor_id,ts,pm2_5\n"
      "a,2026-01-05T01:00:00Z,1\n"
      "a,2026-01-05T08:00:00+07:00,2\n"
      "a,2026-01-05T08:00:00,3\n"
      "a,2026-01-05 08:00:00,4\n"
      "a,1767574800,5\n");
  ASSERT_TRUE(c.stats.ok());
  ASSERT_EQ(c.rows.size(), 5u) << Errors(c);
  for (const auto& r : c.rows) EXPECT_EQ(r.ts, 1767574800) << *r.pm2_5;
}

TEST(CsvReadingsTest, EmptyCellsAreAbsent) {
  const auto c = ReadImport("sensor_id,ts,pm2_5,pm10,temperature\na,1767574800,,20,\na,1767574860, ,21, \n");
  ASSERT_EQ(c.rows.size(), 2u) << Errors(c);
  EXPECT_FALSE(c.rows[0].pm2_5.has_value());
  EXPECT_EQ(c.rows[0].pm10, 20.0);
  EXPECT_FALSE(c.rows[0].temperature_c.has_value());
  EXPECT_FALSE(c.rows[1].pm2_5.has_value());  // spaces only
}

TEST(CsvReadingsTest, CrlfBomQuotesAndMissingFinalNewline) {
  const auto c = ReadImport(
      "\xEF\xBB\xBF\"sensor_id\",\"ts\",\"pm2_5\"\r\n"
      "\"Ban Pong, Ratchaburi\",1767574800,\"12.5\"\r\n"
      "\"say \"\"hi\"\"\",1767574800,1\r\n"
      "\r\n"
      "plain,1767574800,  7.5  \r\n"
      "last,1767574800,9");
  ASSERT_TRUE(c.stats.ok()) << c.stats.status().ToString();
  EXPECT_TRUE(c.errors.empty()) << Errors(c);
  ASSERT_EQ(c.rows.size(), 4u);
  EXPECT_EQ(c.rows[0].device_key, "Ban Pong, Ratchaburi");
  EXPECT_EQ(c.rows[0].pm2_5, 12.5);
  EXPECT_EQ(c.rows[1].device_key, "say \"hi\"");
  EXPECT_EQ(c.rows[2].device_key, "plain");
  EXPECT_EQ(c.rows[2].pm2_5, 7.5);
  EXPECT_EQ(c.rows[3].device_key, "last");
  EXPECT_EQ(c.rows[3].pm2_5, 9.0);
  EXPECT_EQ(c.stats->lines, 6u);
}

TEST(CsvReadingsTest, QuotedNewlineKeepsLineNumbers) {
  const auto c = ReadImport(
      "sensor_id,ts,pm2_5,note\n"
      "a,1767574800,1,\"two\nlines\"\n"
      "a,bad,2,x\n");
  ASSERT_TRUE(c.stats.ok());
  ASSERT_EQ(c.rows.size(), 1u);
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].first, 4u);
  EXPECT_EQ(c.stats->ignored_columns, std::vector<std::string>{"note"});
}

TEST(CsvReadingsTest, RowErrorsNameLineAndColumnAndReadingGoesOn) {
  const auto c = ReadImport(
      "sensor_id,ts,pm2_5,pm10\n"
      "a,1767574800,1,2\n"            // line 2 ok
      "a,not-a-time,1,2\n"            // 3 bad ts
      "a,1767574800,abc,2\n"          // 4 bad number
      "a,1767574800,1\n"              // 5 short row
      "a,1767574800,1,2,3\n"          // 6 long row
      ",1767574800,1,2\n"             // 7 empty sensor
      "a,,1,2\n"                      // 8 empty ts
      "a,1767574800,,\n"              // 9 no measurement
      "a,1767574800,inf,2\n"          // 10 not finite
      "a,2026-02-30T00:00:00Z,1,2\n"  // 11 impossible date
      "a,1767574800,1e999,2\n"        // 12 out of range
      "a\x01,1767574800,1,2\n"        // 13 control character in the id
      "\xff\xfe,1767574800,1,2\n"     // 14 invalid UTF-8 id
      "b,1767574801,3,4\n");          // 15 ok
  ASSERT_TRUE(c.stats.ok()) << c.stats.status().ToString();
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.rows[1].device_key, "b");
  ASSERT_EQ(c.errors.size(), 12u) << Errors(c);
  const size_t lines[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  for (size_t i = 0; i < c.errors.size(); ++i) {
    EXPECT_EQ(c.errors[i].first, lines[i]);
    EXPECT_EQ(c.errors[i].second.code(), StatusCode::kInvalid);
    EXPECT_EQ(c.errors[i].second.message().rfind("line " + std::to_string(lines[i]), 0), 0u)
        << c.errors[i].second.message();
  }
  EXPECT_EQ(c.errors[0].second.message().rfind("line 3, column 2 (ts): \"not-a-time\"", 0), 0u)
      << c.errors[0].second.message();
  EXPECT_EQ(c.errors[0].second.field(), "ts");
  EXPECT_EQ(c.errors[1].second.message(), "line 4, column 3 (pm2_5): \"abc\" is not a number");
  EXPECT_EQ(c.errors[1].second.field(), "pm2_5");
  EXPECT_EQ(c.errors[2].second.message(), "line 5: 3 cells, the header has 4");
  EXPECT_EQ(c.errors[4].second.field(), "sensor_id");
  EXPECT_NE(c.errors[11].second.message().find("\\xff"), std::string::npos);  // message stays valid UTF-8
  EXPECT_EQ(c.stats->errors, 12u);
  EXPECT_EQ(c.stats->rows, 2u);
}

TEST(CsvReadingsTest, FatalHeaderProblems) {
  EXPECT_NE(ReadImport("").stats.status().message().find("empty"), std::string::npos);
  EXPECT_EQ(ReadImport("sensor_id,pm2_5\na,1\n").stats.status().field(), "ts");
  EXPECT_EQ(ReadImport("ts,pm2_5\n1,1\n").stats.status().field(), "sensor_id");
  EXPECT_EQ(ReadImport("sensor_id,ts,pm2_5,PM2_5\n").stats.status().field(), "pm2_5");
  // A header alone is a valid empty file; unknown columns are ignored and listed.
  const auto header_only = ReadImport("sensor_id,ts,pm2_5,lat,lon\n");
  ASSERT_TRUE(header_only.stats.ok());
  EXPECT_EQ(header_only.stats->rows, 0u);
  EXPECT_EQ(header_only.stats->ignored_columns, (std::vector<std::string>{"lat", "lon"}));
  // An unclosed quote swallowing the rest of a large file stops the read.
  const auto unclosed = ReadImport("sensor_id,ts,pm2_5\n\"a,1,1\n" + std::string(kMaxCsvRecordBytes + 10, 'x') + "\n");
  EXPECT_FALSE(unclosed.stats.ok());
  // At the end of a small file it is a row error.
  const auto unclosed_end = ReadImport("sensor_id,ts,pm2_5\na,1767574800,1\n\"b,1,1\n");
  ASSERT_TRUE(unclosed_end.stats.ok());
  ASSERT_EQ(unclosed_end.errors.size(), 1u);
  EXPECT_EQ(unclosed_end.errors[0].first, 3u);
}

// Many rows across the 1 MiB read blocks, with quoted records at arbitrary offsets.
TEST(CsvReadingsTest, StreamsAcrossBlocks) {
  std::string text = "sensor_id,ts,pm2_5,pm10\r\n";
  constexpr int kRows = 120'000;
  for (int i = 0; i < kRows; ++i) {
    if (i % 997 == 0) {
      text += "\"q," + std::to_string(i) + "\"," + std::to_string(1767574800 + i) + ",\"" + std::to_string(i % 500) +
              ".5\",\"multi\nline\"\r\n";
    } else {
      text += "s" + std::to_string(i % 50) + "," + std::to_string(1767574800 + i) + "," + std::to_string(i % 500) +
              ".5," + std::to_string(i % 700) + "\r\n";
    }
  }
  const auto c = ReadImport(text);
  ASSERT_TRUE(c.stats.ok()) << c.stats.status().ToString();
  // The quoted rows put text in pm10: each is one row error; the rest parse.
  const size_t quoted = (kRows + 996) / 997;
  EXPECT_EQ(c.errors.size(), quoted);
  ASSERT_EQ(c.rows.size(), kRows - quoted);
  size_t row = 0;
  size_t error = 0;
  size_t line = 2;
  for (int i = 0; i < kRows; ++i) {
    if (i % 997 == 0) {
      ASSERT_EQ(c.errors[error].first, line);
      EXPECT_EQ(c.errors[error++].second.field(), "pm10");
      line += 2;
      continue;
    }
    const auto& r = c.rows[row++];
    ASSERT_EQ(r.device_key, "s" + std::to_string(i % 50));
    ASSERT_EQ(r.ts, 1767574800 + i);
    ASSERT_EQ(r.pm2_5, (i % 500) + 0.5);
    ASSERT_EQ(r.pm10, static_cast<double>(i % 700));
    ++line;
  }
  EXPECT_EQ(c.stats->lines, line - 1);
}

// --- Sensor.Community archive -----------------------------------------------------------------

std::filesystem::path AberdeenDir() { return testing::SharedDir() / "data/sensor-community-aberdeen"; }

TEST(SensorCommunityArchiveTest, NativeSdsLines) {
  std::istringstream in(
      "sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2\n"
      "15092;SDS011;7647;56.963;-2.211;2019-05-01T00:00:29;11.23;;;8.80;;\n"
      "22523;SDS011;11428;57.110;-2.240;2019-05-10T08:30:10;3.10;;;;;\n");
  const auto c = ReadArchive(in);
  ASSERT_TRUE(c.stats.ok()) << c.stats.status().ToString();
  ASSERT_EQ(c.rows.size(), 2u) << Errors(c);
  EXPECT_EQ(c.rows[0].device_key, "15092");
  EXPECT_EQ(c.rows[0].ts, 1556668829);  // 2019-05-01T00:00:29Z: the archive is UTC
  EXPECT_EQ(c.rows[0].pm10, 11.23);
  EXPECT_EQ(c.rows[0].pm2_5, 8.80);
  EXPECT_EQ(c.rows[1].pm10, 3.10);
  EXPECT_FALSE(c.rows[1].pm2_5.has_value());
  EXPECT_EQ(c.stats->ignored_columns, (std::vector<std::string>{"sensor_type", "location", "lat", "lon", "durP1",
                                                                "ratioP1", "durP2", "ratioP2"}));
}

int64_t UtcSeconds(const std::string& iso) {
  std::tm tm{};
  std::istringstream when(iso);
  when >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  EXPECT_FALSE(when.fail()) << iso;
  return static_cast<int64_t>(timegm(&tm));
}

// The acceptance stepping stone: hourly PM2.5 means per sensor computed straight from the file
// (split on ';', strtod, timegm) equal those of a plain aggregation of the parsed readings.
TEST(SensorCommunityArchiveTest, AberdeenRowCountsAndHourlyMeans) {
  const auto path = AberdeenDir() / "sds011_2019-05-01_15.csv";
  const std::string text = testing::ReadFileOrFail(path);
  ASSERT_FALSE(text.empty());

  using Key = std::pair<std::string, int64_t>;  // sensor, hour start (UTC)
  struct Sum {
    double total = 0.0;
    size_t count = 0;
  };
  std::map<Key, Sum> expected;
  std::map<std::string, size_t> expected_rows;
  size_t data_lines = 0, empty_p2 = 0;
  {
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);
    ASSERT_EQ(line, "sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2");
    while (std::getline(lines, line)) {
      std::vector<std::string> cells;
      std::stringstream split(line);
      std::string cell;
      while (std::getline(split, cell, ';')) cells.push_back(cell);
      if (!line.empty() && line.back() == ';') cells.emplace_back();
      ASSERT_EQ(cells.size(), 12u) << line;
      ++data_lines;
      ++expected_rows[cells[0]];
      if (cells[9].empty()) {
        ++empty_p2;
        continue;
      }
      const int64_t ts = UtcSeconds(cells[5]);
      Sum& sum = expected[{cells[0], ts - ts % 3600}];
      sum.total += std::strtod(cells[9].c_str(), nullptr);
      ++sum.count;
    }
  }
  EXPECT_EQ(data_lines, 186740u);
  EXPECT_EQ(empty_p2, 1u);
  EXPECT_EQ(expected_rows.size(), 23u);

  std::ifstream in(path, std::ios::binary);
  const auto c = ReadArchive(in);
  ASSERT_TRUE(c.stats.ok()) << c.stats.status().ToString();
  EXPECT_TRUE(c.errors.empty()) << Errors(c);
  EXPECT_EQ(c.rows.size(), data_lines);
  std::map<std::string, size_t> rows;
  std::map<Key, Sum> actual;
  for (const auto& r : c.rows) {
    ++rows[r.device_key];
    if (!r.pm2_5) continue;
    Sum& sum = actual[{r.device_key, r.ts - r.ts % 3600}];
    sum.total += *r.pm2_5;
    ++sum.count;
  }
  EXPECT_EQ(rows, expected_rows);
  EXPECT_EQ(rows.at("15092"), 8702u);
  EXPECT_EQ(rows.at("24543"), 3761u);
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [key, sum] : expected) {
    const auto found = actual.find(key);
    ASSERT_NE(found, actual.end()) << key.first << " " << key.second;
    EXPECT_EQ(found->second.count, sum.count) << key.first << " " << key.second;
    EXPECT_NEAR(found->second.total / found->second.count, sum.total / sum.count, 1e-9)
        << key.first << " " << key.second;
  }
}

TEST(SensorCommunityArchiveTest, AberdeenTemperatureHumidityFile) {
  std::ifstream in(AberdeenDir() / "temp_humidity_2019-05-01_15.csv", std::ios::binary);
  ASSERT_TRUE(in) << "required shared file is missing";
  const auto c = ReadArchive(in);
  ASSERT_TRUE(c.stats.ok()) << c.stats.status().ToString();
  EXPECT_TRUE(c.errors.empty()) << Errors(c).substr(0, 2000);
  EXPECT_EQ(c.rows.size(), 189191u);
  // First row: 15093,BME280,7647,2019-05-01T00:00:31,13.77,96.03,101809.38 (Pa).
  const auto& r = c.rows.front();
  EXPECT_EQ(r.device_key, "15093");
  EXPECT_EQ(r.ts, 1556668831);
  EXPECT_EQ(r.temperature_c, 13.77);
  EXPECT_EQ(r.humidity_pct, 96.03);
  EXPECT_DOUBLE_EQ(*r.pressure_hpa, 1018.0938);
  size_t with_pressure = 0;
  for (const auto& reading : c.rows) with_pressure += reading.pressure_hpa.has_value();
  EXPECT_GT(with_pressure, 0u);
  EXPECT_LT(with_pressure, c.rows.size());  // DHT22 rows have none
}

}  // namespace
}  // namespace ecotown::ingest
