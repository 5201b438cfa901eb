// API tests of the CSV export (GET /api/v1/readings/export.csv): the real server on 127.0.0.1 and
// a real client, a fresh database per test, on SQLite and (with the CTest `postgres` fixture)
// PostgreSQL. The raw level is imported again with `ecotown import readings` (app::ImportReadings,
// the function behind the command) into another LAO and must give the same hourly and daily
// aggregates. Readings and hand-worked figures: open_data_fixture.h.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/import_readings.h"
#include "http/open_data_fixture.h"
#include "http/test_server.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

class ExportApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    server_ = TestServer::Start({.backend = GetParam(), .body_limit = 1024 * 1024});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    officer_ = server_->Login("banpong.officer");
  }

  int64_t AddSensor(const BrowserSession& session, const std::string& code, const std::string& name) {
    const json fields = {{"code", code},   {"name", name},   {"model", "airgradient"},
                         {"lat", 13.8152}, {"lon", 99.8768}, {"sample_interval_seconds", kSampleInterval}};
    auto res = client_->Post("/api/v1/sensors", CookieHeaders(session), fields.dump(), "application/json");
    EXPECT_TRUE(res);
    if (!res) return 0;
    EXPECT_EQ(res->status, 201) << res->body;
    return JsonOf(res).value("id", int64_t{0});
  }

  // Ban Pong's market sensor with the readings of open_data_fixture.h.
  int64_t AddMarketSensor() {
    const int64_t id = AddSensor(officer_, "bp-market-01", "ตลาด, บ้านโป่ง \"เก่า\"");
    auto res = client_->Post("/api/v1/readings", CookieHeaders(officer_), OpenDataReadings("bp-market-01").dump(),
                             "application/json");
    EXPECT_TRUE(res);
    if (res) {
      EXPECT_EQ(res->status, 200) << res->body;
    }
    return id;
  }

  httplib::Result Export(const std::string& query, const BrowserSession& session) {
    return client_->Get("/api/v1/readings/export.csv?" + query, CookieHeaders(session, false));
  }

  std::string ExportOk(const std::string& query, const BrowserSession& session) {
    auto res = Export(query, session);
    EXPECT_TRUE(res) << query;
    if (!res) return "";
    EXPECT_EQ(res->status, 200) << query << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/csv; charset=utf-8");
    return res->body;
  }

  json Series(const std::string& path, const BrowserSession& session) {
    auto res = client_->Get(path, CookieHeaders(session, false));
    EXPECT_TRUE(res) << path;
    if (!res) return json();
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
    return JsonOf(res)["items"];
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The cells of one CSV line (RFC 4180 quotes).
std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      cells.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  return cells;
}

// A numeric cell compared within 1e-9; "" stands for an empty cell.
void ExpectCell(const std::vector<std::string>& cells, size_t column, const std::string& expected) {
  ASSERT_LT(column, cells.size());
  if (expected.empty() || cells[column].empty()) {
    EXPECT_EQ(cells[column], expected) << "column " << column;
    return;
  }
  EXPECT_NEAR(std::stod(cells[column]), std::stod(expected), 1e-9) << "column " << column;
}

void ExpectError(const httplib::Result& res, int status, const std::string& code, const std::string& field = "") {
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, status) << res->body;
  const json body = JsonOf(res);
  EXPECT_EQ(body["error"].value("code", ""), code) << res->body;
  EXPECT_FALSE(body["error"].value("message", "").empty()) << res->body;
  if (!field.empty()) {
    EXPECT_EQ(body["error"].value("field", ""), field) << res->body;
  }
}

const std::string kTwoDays = "from=2025-06-01&to=2025-06-03T00:00:00%2B07:00";

TEST_P(ExportApiTest, RawExportRoundTripsThroughTheImportIntoAnotherLao) {
  const int64_t market = AddMarketSensor();
  auto res = Export("sensor=" + std::to_string(market) + "&" + kTwoDays, officer_);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(res->get_header_value("Content-Disposition"),
            "attachment; filename=\"ecotown-bp-market-01-raw-2025-06-01-2025-06-02.csv\"");
  const auto lines = Lines(res->body);
  ASSERT_EQ(lines.size(), 1u + kReadingCount);
  EXPECT_EQ(lines[0],
            "sensor_id,ts,pm1,pm2_5,pm10,temperature,humidity,pressure,co2,qa_flags,pm2_5_corrected,"
            "calibration_version");
  // sensor_id, ts, pm1, pm2_5, pm10, temperature, humidity, pressure, co2, qa_flags, and no
  // corrected value without a calibration model
  const std::vector<std::pair<size_t, std::vector<std::string>>> rows = {
      {1, {"bp-market-01", "2025-06-01T00:10:00+07:00", "", "10", "20", "30.1", "61", "", "", "", "", ""}},
      {9, {"bp-market-01", "2025-06-01T01:30:00+07:00", "", "-5", "36", "30.9", "69", "", "", "negative", "", ""}},
      {lines.size() - 1, {"bp-market-01", "2025-06-03T00:00:00+07:00", "", "36.5", "46.5", "30.4", "72", "", "", "", "", ""}}};
  for (const auto& [line, expected] : rows) {
    const auto cells = Cells(lines[line]);
    ASSERT_EQ(cells.size(), expected.size()) << lines[line];
    EXPECT_EQ(cells[0], expected[0]);
    EXPECT_EQ(cells[1], expected[1]);
    EXPECT_EQ(cells[9], expected[9]);
    EXPECT_EQ(cells[10], expected[10]);
    EXPECT_EQ(cells[11], expected[11]);
    for (size_t c = 2; c < 9; ++c) ExpectCell(cells, c, expected[c]);
  }

  // Into Boek Phrai, whose sensor has the same code: `ecotown import readings FILE --org boekphrai`.
  const auto boekphrai = server_->Login("boekphrai.officer");
  const int64_t copy = AddSensor(boekphrai, "bp-market-01", "สำเนา");
  char path[] = "/tmp/ecotown-export-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream file(path, std::ios::binary);
    file << res->body;
  }
  std::ostringstream progress;
  auto report = app::ImportReadings(server_->runtime(), {path, "csv", std::string("boekphrai"), false}, progress);
  std::remove(path);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rows, kReadingCount);
  EXPECT_EQ(report->accepted, kReadingCount);
  EXPECT_EQ(report->flagged, 1);
  EXPECT_EQ(report->rejected, 0);
  if (GetParam() == "postgres") {  // the import ends with VACUUM (ANALYZE) of the reading tables
    auto conn = server_->runtime().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto stats = (*conn)->Query(
        "SELECT vacuum_count, analyze_count FROM pg_stat_user_tables WHERE relname = 'reading_hours'", {});
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    ASSERT_EQ(stats->rows.size(), 1u);
    EXPECT_GE(stats->rows[0].Int(0), 1);
    EXPECT_GE(stats->rows[0].Int(1), 1);
  }

  const std::string window = "?from=" + std::to_string(kJune1) + "&to=" + std::to_string(kJune3);
  const json original = Series("/api/v1/sensors/" + std::to_string(market) + "/hours" + window, officer_);
  const json imported = Series("/api/v1/sensors/" + std::to_string(copy) + "/hours" + window, boekphrai);
  ASSERT_EQ(original.size(), 3u + 24u);
  EXPECT_EQ(imported, original);
  const std::string days = "/days?from=2025-06-01&to=2025-06-02";
  EXPECT_EQ(Series("/api/v1/sensors/" + std::to_string(copy) + days, boekphrai),
            Series("/api/v1/sensors/" + std::to_string(market) + days, officer_));
}

TEST_P(ExportApiTest, HourAndDayLevelsCarryTheCleanMeans) {
  const int64_t market = AddMarketSensor();
  AddSensor(officer_, "bp-quiet-01", "ไม่มีข้อมูล");  // no readings: no rows

  const auto hours = Lines(ExportOk("org=banpong&level=hour&from=2025-06-01&to=2025-06-01T03:00:00%2B07:00", officer_));
  ASSERT_EQ(hours.size(), 4u);
  EXPECT_EQ(hours[0],
            "sensor_id,sensor_name,hour_start,hour_end,pm2_5,pm10,temperature,humidity,samples,expected_samples,"
            "flagged,qa_flags,pm2_5_corrected,calibration_version");
  // The name has a comma and quotes: RFC 4180 quoting.
  const std::string name = "\"ตลาด, บ้านโป่ง \"\"เก่า\"\"\"";
  EXPECT_EQ(hours[1].substr(0, hours[1].find(",2025")), "bp-market-01," + name);
  // sensor_id, sensor_name, hour_start, hour_end, pm2_5, pm10, temperature, humidity, samples,
  // expected_samples, flagged, qa_flags
  const std::vector<std::vector<std::string>> expected = {
      {"bp-market-01", "ตลาด, บ้านโป่ง \"เก่า\"", "2025-06-01T00:00:00+07:00", "2025-06-01T01:00:00+07:00", "15", "25",
       "30.35", "63.5", "6", "6", "0", "", "", ""},
      {"bp-market-01", "ตลาด, บ้านโป่ง \"เก่า\"", "2025-06-01T01:00:00+07:00", "2025-06-01T02:00:00+07:00", "27.2", "37.2",
       "30.95", "69.5", "6", "6", "1", "negative", "", ""},
      // 4 of 6 samples: no means
      {"bp-market-01", "ตลาด, บ้านโป่ง \"เก่า\"", "2025-06-01T02:00:00+07:00", "2025-06-01T03:00:00+07:00", "", "", "", "",
       "4", "6", "0", "", "", ""}};
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto cells = Cells(hours[i + 1]);
    ASSERT_EQ(cells.size(), expected[i].size()) << hours[i + 1];
    for (size_t c : {0, 1, 2, 3, 11, 12, 13}) EXPECT_EQ(cells[c], expected[i][c]) << hours[i + 1];
    for (size_t c = 4; c < 11; ++c) ExpectCell(cells, c, expected[i][c]);
  }

  const auto days = Lines(ExportOk("sensor=" + std::to_string(market) + "&level=day&" + kTwoDays, officer_));
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0],
            "sensor_id,sensor_name,date,pm2_5,pm10,temperature,humidity,pm2_5_hours,samples,flagged,pm2_5_corrected,"
            "calibration_version");
  EXPECT_EQ(days[1], "bp-market-01," + name + ",2025-06-01,,,,,2,16,1,,");  // no calibration model: empty
  const auto june2 = Cells(days[2]);
  ASSERT_EQ(june2.size(), 12u) << days[2];
  EXPECT_EQ(june2[2], "2025-06-02");
  ExpectCell(june2, 3, "23.2");
  ExpectCell(june2, 4, "33.2");
  ExpectCell(june2, 5, "29.32");
  ExpectCell(june2, 6, "66.6");
  EXPECT_EQ(june2[7], "20");
  EXPECT_EQ(june2[8], "136");
  EXPECT_EQ(june2[9], "0");
  EXPECT_EQ(june2[10], "");
  EXPECT_EQ(june2[11], "");

  // Excel needs the byte-order mark to read Thai names as UTF-8.
  const std::string with_bom = ExportOk("org=banpong&level=day&bom=1&" + kTwoDays, officer_);
  EXPECT_EQ(with_bom.substr(0, 13), "\xEF\xBB\xBFsensor_id,");
}

TEST_P(ExportApiTest, ExportIsScopedAndRefusesBadRequestsNamingTheField) {
  const int64_t market = AddMarketSensor();
  const std::string sensor = "sensor=" + std::to_string(market) + "&";
  const auto boekphrai = server_->Login("boekphrai.officer");
  ExpectError(Export(sensor + kTwoDays, boekphrai), 404, "not_found");
  ExpectError(Export("org=banpong&" + kTwoDays, boekphrai), 404, "not_found");
  ExpectError(Export("org=nowhere&" + kTwoDays, officer_), 404, "not_found");
  auto anonymous = client_->Get("/api/v1/readings/export.csv?" + sensor + kTwoDays);
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  // The province office oversees Ban Pong.
  EXPECT_EQ(Lines(ExportOk(sensor + kTwoDays, server_->Login("ratchaburi.oversight"))).size(), 1u + kReadingCount);

  ExpectError(Export(kTwoDays, officer_), 422, "invalid", "sensor");
  ExpectError(Export(sensor + "org=banpong&" + kTwoDays, officer_), 422, "invalid", "org");
  ExpectError(Export("sensor=abc&" + kTwoDays, officer_), 422, "invalid", "sensor");
  ExpectError(Export(sensor + "to=2025-06-02", officer_), 422, "invalid", "from");
  ExpectError(Export(sensor + "from=2025-06-01", officer_), 422, "invalid", "to");
  ExpectError(Export(sensor + "from=1st June&to=2025-06-02", officer_), 422, "invalid", "from");
  ExpectError(Export(sensor + "from=2025-06-02&to=2025-06-01", officer_), 422, "invalid", "to");
  ExpectError(Export(sensor + "level=minute&" + kTwoDays, officer_), 422, "invalid", "level");
  ExpectError(Export(sensor + "bom=yes&" + kTwoDays, officer_), 422, "invalid", "bom");
  ExpectError(Export(sensor + "max_rows=0&" + kTwoDays, officer_), 422, "invalid", "max_rows");
  ExpectError(Export(sensor + "max_rows=5000001&" + kTwoDays, officer_), 422, "invalid", "max_rows");

  // Over the row cap: refused whole, never cut short.
  auto capped = Export(sensor + "max_rows=151&" + kTwoDays, officer_);
  ExpectError(capped, 413, "too_large");
  EXPECT_NE(JsonOf(capped)["error"].value("message", "").find("more than 151 rows"), std::string::npos);
  EXPECT_EQ(Lines(ExportOk(sensor + "max_rows=152&" + kTwoDays, officer_)).size(), 1u + kReadingCount);
}

// Issue 3, "CSV export streamed": the body goes out in chunks while the store is read a page at
// a time, with the same rows; the row cap still refuses before a byte is sent, counting exactly
// where from cuts into an hour.
TEST_P(ExportApiTest, ExportIsStreamedInChunksAndCountsRowsExactly) {
  AddMarketSensor();
  AddSensor(officer_, "bp-school-01", "โรงเรียน");
  auto res = client_->Post("/api/v1/readings", CookieHeaders(officer_), OpenDataReadings("bp-school-01").dump(),
                           "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;

  auto all = Export("org=banpong&" + kTwoDays, officer_);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200) << all->body;
  EXPECT_EQ(all->get_header_value("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(all->has_header("Content-Length"));
  const auto lines = Lines(all->body);
  ASSERT_EQ(lines.size(), 1u + 2 * kReadingCount);
  for (size_t i = 1; i < lines.size(); ++i) {  // by sensor code, then time
    EXPECT_EQ(Cells(lines[i])[0], i <= static_cast<size_t>(kReadingCount) ? "bp-market-01" : "bp-school-01");
  }

  // From 00:15 the first hour is cut: its rows before 00:15 are neither sent nor counted.
  const std::string cut = "org=banpong&from=2025-06-01T00:15:00%2B07:00&to=2025-06-03T00:00:00%2B07:00";
  size_t kept = 0;
  for (size_t i = 1; i < lines.size(); ++i) kept += Cells(lines[i])[1] > "2025-06-01T00:15:00+07:00" ? 1 : 0;
  ASSERT_LT(kept, lines.size() - 1);
  const auto cut_lines = Lines(ExportOk(cut + "&max_rows=" + std::to_string(kept), officer_));
  EXPECT_EQ(cut_lines.size(), 1 + kept);
  ExpectError(Export(cut + "&max_rows=" + std::to_string(kept - 1), officer_), 413, "too_large");

  // The connection stays usable after a chunked answer (keep-alive).
  EXPECT_EQ(Lines(ExportOk("org=banpong&level=hour&" + kTwoDays, officer_)).size(), 1u + 2 * (3u + 24u));
}

INSTANTIATE_TEST_SUITE_P(http, ExportApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
