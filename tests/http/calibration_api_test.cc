// API tests of sensor calibration and site photos: the real server on 127.0.0.1, a real HTTP
// client, a fresh database per test, on SQLite and (with the CTest `postgres` fixture) PostgreSQL.
// Hourly data for the fit comes in through the JSON batch ingest endpoint, as a data logger's would.
#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "http/test_server.h"
#include "support/test_env.h"

namespace ecotown::testing {
namespace {

using nlohmann::json;

constexpr int64_t kJune1 = 1'748'710'800;  // 2025-06-01 00:00 Bangkok
constexpr int64_t kJune10 = kJune1 + 9 * 86400;

std::vector<std::string> CsvLines(const std::string& body) {
  std::vector<std::string> lines;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The last two cells of an export row: the corrected value and the model's version(s).
std::pair<std::string, std::string> CorrectedCells(const std::string& line) {
  const auto last = line.rfind(',');
  const auto before = line.rfind(',', last - 1);
  return {line.substr(before + 1, last - before - 1), line.substr(last + 1)};
}

class CalibrationApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !PostgresAdminUrl()) GTEST_SKIP() << "ECOTOWN_TEST_PG_URL is not set";
    // Room for a photo just over the 5 MiB limit, so the route (not the server) answers 413.
    server_ = TestServer::Start({.backend = GetParam(), .body_limit = 8 * 1024 * 1024});
    ASSERT_NE(server_, nullptr);
    client_ = server_->NewClient();
    officer_ = server_->Login("banpong.officer");
  }

  httplib::Result Post(const std::string& path, const json& body, const BrowserSession& session) {
    return client_->Post(path, CookieHeaders(session), body.dump(), "application/json");
  }
  httplib::Result Get(const std::string& path, const BrowserSession& session) {
    return client_->Get(path, CookieHeaders(session, false));
  }

  // Registers a sensor of the officer's organisation; returns its id.
  int64_t AddSensor(const std::string& code, const std::string& model, const BrowserSession& session,
                    int64_t sample_interval = 3600) {
    auto res = Post("/api/v1/sensors",
                    {{"code", code},
                     {"name", "สถานี " + code},
                     {"model", model},
                     {"lat", 13.8152},
                     {"lon", 99.8768},
                     {"sample_interval_seconds", sample_interval}},
                    session);
    EXPECT_TRUE(res);
    if (!res) return 0;
    EXPECT_EQ(res->status, 201) << res->body;
    return JsonOf(res).value("id", int64_t{0});
  }

  static std::string Calibrations(int64_t sensor_id) {
    return "/api/v1/sensors/" + std::to_string(sensor_id) + "/calibrations";
  }
  static std::string Photo(int64_t sensor_id) { return "/api/v1/sensors/" + std::to_string(sensor_id) + "/photo"; }

  // 48 hours from June 1: the low-cost sensor's raw PM2.5 and RH vary; the BAM reads exactly
  // 0.5·raw − 0.08·RH + 5.7.
  void IngestCoLocation(const std::string& sensor_code, const std::string& bam_code) {
    json rows = json::array();
    for (int i = 0; i < 48; ++i) {
      const double raw = 20.0 + 3.1 * i + 9.0 * std::sin(i * 0.7);
      const double rh = 60.0 + 25.0 * std::cos(i * 0.3);
      const int64_t ts = kJune1 + (i + 1) * 3600;
      rows.push_back({{"sensor", sensor_code}, {"ts", ts}, {"pm2_5", raw}, {"humidity", rh}});
      rows.push_back({{"sensor", bam_code}, {"ts", ts}, {"pm2_5", 0.5 * raw - 0.08 * rh + 5.7}});
    }
    auto res = Post("/api/v1/readings", {{"readings", rows}}, officer_);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }

  std::vector<json> AuditOf(const std::string& entity) {
    const auto admin = server_->Login("banpong.admin");
    auto res = Get("/api/v1/audit?limit=500", admin);
    EXPECT_TRUE(res);
    std::vector<json> out;
    if (!res) return out;
    EXPECT_EQ(res->status, 200) << res->body;
    const json body = JsonOf(res);
    for (const auto& entry : body["items"]) {
      if (entry["entity"] == entity) out.push_back(entry);
    }
    return out;
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<httplib::Client> client_;
  BrowserSession officer_;
};

void ExpectError(const httplib::Result& res, int status, const std::string& code, const std::string& field = "") {
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, status) << res->body;
  const json body = JsonOf(res);
  ASSERT_TRUE(body.contains("error")) << res->body;
  EXPECT_EQ(body["error"].value("code", ""), code) << res->body;
  EXPECT_FALSE(body["error"].value("message", "").empty()) << res->body;
  if (!field.empty()) {
    EXPECT_EQ(body["error"].value("field", ""), field) << res->body;
  }
}

TEST_P(CalibrationApiTest, ModelsAreAddedListedNewestFirstAndAudited) {
  const int64_t id = AddSensor("bp-market-01", "airgradient", officer_);
  auto empty = Get(Calibrations(id), officer_);
  ASSERT_TRUE(empty);
  ASSERT_EQ(empty->status, 200) << empty->body;
  EXPECT_TRUE(JsonOf(empty)["items"].empty());

  auto epa = Post(Calibrations(id), {{"kind", "epa_barkjohn_2021"}, {"valid_from", "2025-06-01"}}, officer_);
  ASSERT_TRUE(epa);
  ASSERT_EQ(epa->status, 201) << epa->body;
  EXPECT_EQ(JsonOf(epa)["version"], 1);
  EXPECT_EQ(JsonOf(epa)["valid_from"], kJune1);
  EXPECT_TRUE(JsonOf(epa)["valid_to"].is_null());
  EXPECT_EQ(JsonOf(epa)["slope"], 0.524);
  EXPECT_EQ(JsonOf(epa)["created_by"], "banpong.officer");

  auto linear = Post(Calibrations(id),
                     {{"kind", "linear"},
                      {"slope", 0.61},
                      {"intercept", -1.5},
                      {"rh_coef", -0.04},
                      {"valid_from", "2025-06-10"},
                      {"valid_to", "2025-12-01"},
                      {"notes", "ค่าจากการเทียบกับสถานีกรมควบคุมมลพิษ"}},
                     officer_);
  ASSERT_TRUE(linear);
  ASSERT_EQ(linear->status, 201) << linear->body;

  auto listed = Get(Calibrations(id), server_->Login("banpong.executive"));
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  const json items = JsonOf(listed)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["version"], 2);
  EXPECT_EQ(items[0]["kind"], "linear");
  EXPECT_EQ(items[0]["slope"], 0.61);
  EXPECT_EQ(items[0]["intercept"], -1.5);
  EXPECT_EQ(items[0]["rh_coef"], -0.04);
  EXPECT_EQ(items[0]["valid_from"], kJune10);
  EXPECT_EQ(items[0]["notes"], "ค่าจากการเทียบกับสถานีกรมควบคุมมลพิษ");
  EXPECT_TRUE(items[0]["fit"].is_null());
  EXPECT_EQ(items[1]["version"], 1);
  EXPECT_EQ(items[1]["kind"], "epa_barkjohn_2021");
  EXPECT_EQ(items[1]["valid_to"], kJune10);  // closed where version 2 starts

  const auto audited = AuditOf("calibration");
  int creates = 0, updates = 0;
  for (const auto& entry : audited) {
    if (entry["action"] == "create") ++creates;
    if (entry["action"] == "update") {
      ++updates;
      EXPECT_FALSE(entry["before"].is_null()) << entry.dump();
    }
  }
  EXPECT_EQ(creates, 2);
  EXPECT_EQ(updates, 1);
}

// An AirGradient posting its own firmware's body: ATM PM2.5 (pm02) 30 and CF=1 (pm02Standard) 20.
// The hour keeps both means, and the EPA model corrects the CF=1 one: 0.524·20 − 0.0862·50 + 5.75.
TEST_P(CalibrationApiTest, AnAirGradientHourIsCorrectedFromItsCf1Mean) {
  auto created = Post("/api/v1/sensors",
                      {{"code", "ag-cf1"}, {"name", "สถานี ag-cf1"}, {"model", "airgradient"},
                       {"device_key", "ecda3b1eaab0"}, {"lat", 13.8152}, {"lon", 99.8768},
                       {"sample_interval_seconds", 3600}},
                      officer_);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const int64_t id = JsonOf(created)["id"];
  auto epa = Post(Calibrations(id), {{"kind", "epa_barkjohn_2021"}, {"valid_from", "2025-01-01"}}, officer_);
  ASSERT_TRUE(epa);
  ASSERT_EQ(epa->status, 201) << epa->body;
  const int64_t before = static_cast<int64_t>(std::time(nullptr));
  auto posted = client_->Post("/sensors/airgradient:ecda3b1eaab0/measures",
                              R"({"serialno":"ecda3b1eaab0","pm02":30,"pm02Standard":20,"rhum":50,"atmp":30})",
                              "application/json");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 200) << posted->body;

  const std::string window = "?from=" + std::to_string(before - 7200) + "&to=" + std::to_string(before + 7200);
  auto hours = Get("/api/v1/sensors/" + std::to_string(id) + "/hours" + window, officer_);
  ASSERT_TRUE(hours);
  ASSERT_EQ(hours->status, 200) << hours->body;
  const json items = JsonOf(hours)["items"];
  ASSERT_EQ(items.size(), 1u) << hours->body;
  EXPECT_EQ(items[0]["pm25"], 30);
  EXPECT_EQ(items[0]["pm25_cf1"], 20);
  EXPECT_NEAR(items[0]["pm25_corrected"].get<double>(), 11.92, 1e-9);
  EXPECT_EQ(items[0]["calibration"]["input"], "pm2_5_cf1");
}

// Issue 3, "corrected values on the server": the hourly series and the CSV export carry the
// corrected PM2.5 of the model valid in each hour, and that model's version. Hourly readings, so
// that one sample completes an hour; the EPA figure is the published worked example (raw 20,
// RH 50 % -> 11.92, shared/reference/aq-test-vectors.json).
TEST_P(CalibrationApiTest, HoursAndCsvExportServeCorrectedValuesOfTheModelValidInEachHour) {
  const int64_t id = AddSensor("bp-market-01", "airgradient", officer_);
  json rows = json::array();
  rows.push_back({{"sensor", "bp-market-01"}, {"ts", kJune1}, {"pm2_5", 20}, {"humidity", 50}});  // before any model
  rows.push_back({{"sensor", "bp-market-01"}, {"ts", kJune10}, {"pm2_5", 20}, {"humidity", 50}});  // EPA, version 1
  rows.push_back({{"sensor", "bp-market-01"}, {"ts", kJune10 + 3600}, {"pm2_5", 30}, {"humidity", 60}});  // linear
  rows.push_back({{"sensor", "bp-market-01"}, {"ts", kJune10 + 7200}, {"pm2_5", 40}});  // linear, no RH
  auto ingest = Post("/api/v1/readings", {{"readings", rows}}, officer_);
  ASSERT_TRUE(ingest);
  ASSERT_EQ(ingest->status, 200) << ingest->body;
  auto epa = Post(Calibrations(id), {{"kind", "epa_barkjohn_2021"}, {"valid_from", "2025-06-01"}}, officer_);
  ASSERT_TRUE(epa);
  ASSERT_EQ(epa->status, 201) << epa->body;
  auto linear = Post(Calibrations(id),
                     {{"kind", "linear"}, {"slope", 0.61}, {"intercept", -1.5}, {"rh_coef", -0.04},
                      {"valid_from", "2025-06-10"}},
                     officer_);
  ASSERT_TRUE(linear);
  ASSERT_EQ(linear->status, 201) << linear->body;
  const int64_t linear_id = JsonOf(linear)["id"];

  const std::string window = "?from=" + std::to_string(kJune1 - 3600) + "&to=" + std::to_string(kJune10 + 7200);
  auto hours = Get("/api/v1/sensors/" + std::to_string(id) + "/hours" + window, server_->Login("banpong.executive"));
  ASSERT_TRUE(hours);
  ASSERT_EQ(hours->status, 200) << hours->body;
  const json items = JsonOf(hours)["items"];
  ASSERT_EQ(items.size(), 4u) << hours->body;
  // The hour ending at 00:00 on June 1 lies before the first model.
  EXPECT_EQ(items[0]["hour_end"], kJune1);
  EXPECT_TRUE(items[0]["pm25_corrected"].is_null());
  EXPECT_TRUE(items[0]["calibration"].is_null());
  // (June 9 23:00, June 10 00:00] still belongs to version 1: 0.524·20 − 0.0862·50 + 5.75.
  EXPECT_EQ(items[1]["hour_end"], kJune10);
  EXPECT_NEAR(items[1]["pm25_corrected"].get<double>(), 11.92, 1e-9);
  EXPECT_EQ(items[1]["calibration"]["version"], 1);
  EXPECT_EQ(items[1]["calibration"]["kind"], "epa_barkjohn_2021");
  EXPECT_EQ(items[1]["calibration"]["input"], "pm2_5");  // the JSON batch carries no CF=1
  EXPECT_TRUE(items[1]["pm25_cf1"].is_null());
  EXPECT_EQ(items[1]["pm25"], 20);  // the raw value is kept as it was
  // The first hour wholly after June 10: 0.61·30 − 1.5 − 0.04·60.
  EXPECT_NEAR(items[2]["pm25_corrected"].get<double>(), 14.4, 1e-9);
  EXPECT_EQ(items[2]["calibration"]["version"], 2);
  EXPECT_EQ(items[2]["calibration"]["id"], linear_id);
  // A model with an RH term cannot correct an hour without humidity: no value, the model named.
  EXPECT_TRUE(items[3]["pm25_corrected"].is_null());
  EXPECT_EQ(items[3]["calibration"]["version"], 2);

  const std::string period = "&from=" + std::to_string(kJune1 - 3600) + "&to=" + std::to_string(kJune10 + 7200);
  for (const std::string level : {"raw", "hour"}) {
    auto csv = Get("/api/v1/readings/export.csv?sensor=" + std::to_string(id) + "&level=" + level + period, officer_);
    ASSERT_TRUE(csv);
    ASSERT_EQ(csv->status, 200) << csv->body;
    const auto lines = CsvLines(csv->body);
    ASSERT_EQ(lines.size(), 5u) << csv->body;
    EXPECT_NE(lines[0].find(",pm2_5_corrected,calibration_version"), std::string::npos) << lines[0];
    const auto corrected = CorrectedCells;
    const auto near = [](const std::string& cell, double expected) {
      return !cell.empty() && std::abs(std::stod(cell) - expected) < 1e-9;
    };
    EXPECT_EQ(corrected(lines[1]), std::pair(std::string(), std::string())) << level << ": " << lines[1];
    EXPECT_TRUE(near(corrected(lines[2]).first, 11.92)) << level << ": " << lines[2];
    EXPECT_EQ(corrected(lines[2]).second, "1") << level;
    EXPECT_TRUE(near(corrected(lines[3]).first, 14.4)) << level << ": " << lines[3];
    EXPECT_EQ(corrected(lines[3]).second, "2") << level;
    EXPECT_EQ(corrected(lines[4]), std::pair(std::string(), std::string("2"))) << level << ": " << lines[4];
  }
}

// Days: the mean of the day's corrected hours under the 18-hour rule, in GET .../days and in the
// day level of the CSV export.
TEST_P(CalibrationApiTest, DaysAndTheDayExportServeTheMeanOfTheCorrectedHours) {
  const int64_t id = AddSensor("bp-school-02", "sds011", officer_);
  json rows = json::array();
  // Values that change from hour to hour (a constant run would be flagged stuck).
  for (int k = 1; k <= 24; ++k) {  // 31 May, before the model
    rows.push_back({{"sensor", "bp-school-02"}, {"ts", kJune1 - 86400 + k * 3600}, {"pm2_5", 10 + k % 4}});
  }
  for (int k = 1; k <= 24; ++k) rows.push_back({{"sensor", "bp-school-02"}, {"ts", kJune1 + k * 3600}, {"pm2_5", k}});
  for (int k = 1; k <= 17; ++k) {  // 2 June: 17 hours
    rows.push_back({{"sensor", "bp-school-02"}, {"ts", kJune1 + 86400 + k * 3600}, {"pm2_5", 20 + k % 3}});
  }
  auto ingest = Post("/api/v1/readings", {{"readings", rows}}, officer_);
  ASSERT_TRUE(ingest);
  ASSERT_EQ(ingest->status, 200) << ingest->body;
  auto model = Post(Calibrations(id), {{"kind", "linear"}, {"slope", 2}, {"intercept", -3}, {"valid_from", "2025-06-01"}},
                    officer_);
  ASSERT_TRUE(model);
  ASSERT_EQ(model->status, 201) << model->body;
  // 1 June: max(0, 2k − 3) for k = 1..24 sums to 529; the model at the raw mean 12.5 would give 22.
  const double june1 = 529.0 / 24;

  auto days = Get("/api/v1/sensors/" + std::to_string(id) + "/days?from=2025-05-31&to=2025-06-02",
                  server_->Login("banpong.executive"));
  ASSERT_TRUE(days);
  ASSERT_EQ(days->status, 200) << days->body;
  const json items = JsonOf(days)["items"];
  ASSERT_EQ(items.size(), 3u) << days->body;
  EXPECT_EQ(items[0]["date"], "2025-05-31");
  EXPECT_EQ(items[0]["pm25"], 11.5);
  EXPECT_TRUE(items[0]["pm25_corrected"].is_null());
  EXPECT_EQ(items[0]["corrected_hours"], 0);
  EXPECT_EQ(items[0]["calibration_versions"], json::array());
  EXPECT_EQ(items[1]["date"], "2025-06-01");
  EXPECT_EQ(items[1]["pm25"], 12.5);
  EXPECT_NEAR(items[1]["pm25_corrected"].get<double>(), june1, 1e-9);
  EXPECT_EQ(items[1]["corrected_hours"], 24);
  EXPECT_EQ(items[1]["calibration_versions"], json::array({1}));
  EXPECT_TRUE(items[2]["pm25"].is_null());  // 17 hours: no daily mean, corrected or not
  EXPECT_TRUE(items[2]["pm25_corrected"].is_null());
  EXPECT_EQ(items[2]["corrected_hours"], 17);

  auto csv = Get("/api/v1/readings/export.csv?sensor=" + std::to_string(id) + "&level=day&from=" +
                     std::to_string(kJune1 - 86400) + "&to=" + std::to_string(kJune1 + 2 * 86400),
                 officer_);
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200) << csv->body;
  const auto lines = CsvLines(csv->body);
  ASSERT_EQ(lines.size(), 4u) << csv->body;
  EXPECT_EQ(lines[0],
            "sensor_id,sensor_name,date,pm2_5,pm10,temperature,humidity,pm2_5_hours,samples,flagged,pm2_5_corrected,"
            "calibration_version");
  EXPECT_EQ(lines[1].substr(lines[1].size() - 2), ",,") << lines[1];
  EXPECT_NEAR(std::stod(CorrectedCells(lines[2]).first), june1, 1e-9) << lines[2];
  EXPECT_EQ(CorrectedCells(lines[2]).second, "1") << lines[2];
  EXPECT_EQ(lines[3].substr(lines[3].size() - 3), ",,1") << lines[3];
}

TEST_P(CalibrationApiTest, BadModelsAreRefusedNamingTheField) {
  const int64_t id = AddSensor("bp-market-01", "airgradient", officer_);
  const int64_t sds = AddSensor("bp-school-01", "sds011", officer_, 145);
  const json good = {{"kind", "linear"}, {"slope", 0.5}, {"intercept", 1}, {"valid_from", "2025-06-01"}};
  struct Row {
    const char* name;
    json change;
    const char* field;
  };
  const Row rows[] = {
      {"unknown field", {{"colour", "green"}}, "colour"},
      {"unknown kind", {{"kind", "hackair"}}, "kind"},
      {"bad date", {{"valid_from", "2025-13-01"}}, "valid_from"},
      {"missing date", {{"valid_from", nullptr}}, "valid_from"},
      {"slope as text", {{"slope", "0.5"}}, "slope"},
      {"negative slope", {{"slope", -0.5}}, "slope"},
      {"huge intercept", {{"intercept", 1e6}}, "intercept"},
      {"end before start", {{"valid_to", "2025-05-01"}}, "valid_to"},
      {"EPA with coefficients", {{"kind", "epa_extended_2023"}}, "slope"},
  };
  for (const auto& row : rows) {
    json body = good;
    for (const auto& [key, value] : row.change.items()) {
      if (value.is_null())
        body.erase(key);
      else
        body[key] = value;
    }
    SCOPED_TRACE(row.name);
    ExpectError(Post(Calibrations(id), body, officer_), 422, "invalid", row.field);
  }
  ExpectError(Post(Calibrations(sds), {{"kind", "epa_barkjohn_2021"}, {"valid_from", "2025-06-01"}}, officer_), 422,
              "invalid", "kind");
  ExpectError(client_->Post(Calibrations(id), CookieHeaders(officer_), "{not json", "application/json"), 400,
              "invalid");

  ASSERT_EQ(Post(Calibrations(id), good, officer_)->status, 201);
  json earlier = good;
  earlier["valid_from"] = "2025-05-31";
  ExpectError(Post(Calibrations(id), earlier, officer_), 409, "conflict", "valid_from");
  auto listed = Get(Calibrations(id), officer_);
  ASSERT_TRUE(listed);
  EXPECT_EQ(JsonOf(listed)["items"].size(), 1u);
}

TEST_P(CalibrationApiTest, AnotherOrganisationsSensorIsNotFoundAndExecutivesCannotWrite) {
  const int64_t id = AddSensor("bp-market-01", "airgradient", officer_);
  const json body = {{"kind", "epa_barkjohn_2021"}, {"valid_from", "2025-06-01"}};
  const auto phatong = server_->Login("phatong.admin");
  ExpectError(Get(Calibrations(id), phatong), 404, "not_found");
  ExpectError(Post(Calibrations(id), body, phatong), 404, "not_found");
  ExpectError(Post(Calibrations(id) + "/fit",
                   {{"reference_sensor_id", id}, {"from", "2025-06-01"}, {"to", "2025-06-02"}}, phatong),
              404, "not_found");
  ExpectError(Get(Photo(id), phatong), 404, "not_found");
  ExpectError(
      client_->Put(Photo(id), CookieHeaders(phatong), std::string("\xFF\xD8\xFF\xE0", 4) + "jpeg", "image/jpeg"), 404,
      "not_found");
  ExpectError(Get(Calibrations(987654), officer_), 404, "not_found");
  ExpectError(Post(Calibrations(id), body, server_->Login("banpong.executive")), 403, "forbidden");
  // A cookie write without its CSRF token is refused like every other.
  ExpectError(client_->Post(Calibrations(id), CookieHeaders(officer_, false), body.dump(), "application/json"), 403,
              "forbidden");
}

TEST_P(CalibrationApiTest, FitProposesFromStoredHoursAndSavesOnlyWhenAsked) {
  const int64_t id = AddSensor("bp-market-01", "airgradient", officer_);
  const int64_t bam = AddSensor("bp-bam-01", "reference-bam", officer_);
  IngestCoLocation("bp-market-01", "bp-bam-01");
  const std::string fit = Calibrations(id) + "/fit";
  const json request = {{"reference_sensor_id", bam}, {"from", "2025-06-01"}, {"to", "2025-06-02"}, {"humidity", true}};

  auto proposal = Post(fit, request, server_->Login("banpong.executive"));  // reading is enough
  ASSERT_TRUE(proposal);
  ASSERT_EQ(proposal->status, 200) << proposal->body;
  const json answer = JsonOf(proposal);
  EXPECT_EQ(answer["saved"], false);
  EXPECT_NEAR(answer["model"]["slope"].get<double>(), 0.5, 1e-9);
  EXPECT_NEAR(answer["model"]["rh_coef"].get<double>(), -0.08, 1e-9);
  EXPECT_NEAR(answer["model"]["intercept"].get<double>(), 5.7, 1e-7);
  EXPECT_EQ(answer["model"]["fit"]["n"], 48);
  EXPECT_NEAR(answer["model"]["fit"]["r2"].get<double>(), 1.0, 1e-9);
  EXPECT_NEAR(answer["model"]["fit"]["rmse"].get<double>(), 0.0, 1e-6);
  EXPECT_EQ(answer["model"]["fit"]["reference_sensor_id"], bam);
  EXPECT_EQ(answer["model"]["fit"]["from"], kJune1);
  EXPECT_EQ(answer["model"]["fit"]["to"], kJune1 + 2 * 86400);
  EXPECT_EQ(answer["model"]["valid_from"], kJune1);
  ASSERT_TRUE(answer["epa_2021"].is_object()) << proposal->body;
  EXPECT_EQ(answer["epa_2021"]["n"], 48);
  auto still_empty = Get(Calibrations(id), officer_);
  ASSERT_TRUE(still_empty);
  EXPECT_TRUE(JsonOf(still_empty)["items"].empty());

  // Refusals name the field.
  json bad = request;
  bad["reference_sensor_id"] = id;
  ExpectError(Post(fit, bad, officer_), 422, "invalid", "reference_sensor_id");
  bad = request;
  bad["from"] = "2025-06-03";
  ExpectError(Post(fit, bad, officer_), 422, "invalid", "to");
  bad = request;
  bad["from"] = "2025-07-01";
  bad["to"] = "2025-07-02";
  ExpectError(Post(fit, bad, officer_), 422, "invalid", "pairs");  // no data then
  bad = request;
  bad.erase("reference_sensor_id");
  ExpectError(Post(fit, bad, officer_), 422, "invalid", "reference_sensor_id");
  ExpectError(Post(Calibrations(bam) + "/fit", request, officer_), 422, "invalid", "sensor");

  // Saving needs the write permission; then the fit becomes version 1 with its statistics.
  json save = request;
  save["save"] = true;
  save["valid_from"] = "2025-06-03";
  save["notes"] = "ตั้งคู่กับ BAM 2 วัน";
  ExpectError(Post(fit, save, server_->Login("banpong.executive")), 403, "forbidden");
  auto saved = Post(fit, save, officer_);
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 201) << saved->body;
  EXPECT_EQ(JsonOf(saved)["saved"], true);
  EXPECT_EQ(JsonOf(saved)["model"]["version"], 1);
  auto listed = Get(Calibrations(id), officer_);
  ASSERT_TRUE(listed);
  const json items = JsonOf(listed)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["kind"], "linear");
  EXPECT_EQ(items[0]["valid_from"], kJune1 + 2 * 86400);
  EXPECT_EQ(items[0]["fit"]["n"], 48);
  EXPECT_NEAR(items[0]["fit"]["r2"].get<double>(), 1.0, 1e-9);
  EXPECT_EQ(items[0]["notes"], "ตั้งคู่กับ BAM 2 วัน");
  EXPECT_EQ(AuditOf("calibration").size(), 1u);
}

TEST_P(CalibrationApiTest, PhotoAcceptsOnlyRealImagesAndReturnsTheBytes) {
  const int64_t id = AddSensor("bp-market-01", "airgradient", officer_);
  ExpectError(Get(Photo(id), officer_), 404, "not_found");

  std::string png("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR", 16);
  for (int i = 0; i < 256; ++i) png.push_back(static_cast<char>(i));
  // The declared type is ignored: the bytes decide.
  auto put = client_->Put(Photo(id), CookieHeaders(officer_), png, "application/octet-stream");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(JsonOf(put)["content_type"], "image/png");
  EXPECT_EQ(JsonOf(put)["size"], 272);
  EXPECT_EQ(JsonOf(put)["uploaded_by"], "banpong.officer");

  auto got = Get(Photo(id), server_->Login("banpong.executive"));
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200);
  EXPECT_EQ(got->get_header_value("Content-Type"), "image/png");
  EXPECT_EQ(got->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(got->body, png);

  // Not an image: 415, whatever the client claims.
  for (const std::string& bytes : {std::string("GIF89a\x01\x00\x01\x00", 10), std::string("<svg onload=alert(1)>"),
                                   std::string("%PDF-1.7"), std::string()}) {
    auto refused = client_->Put(Photo(id), CookieHeaders(officer_), bytes, "image/jpeg");
    ExpectError(refused, 415, "unsupported_media_type", "photo");
  }
  // Over 5 MiB: 413.
  const std::string big = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(5 * 1024 * 1024, 'x');
  ExpectError(client_->Put(Photo(id), CookieHeaders(officer_), big, "image/jpeg"), 413, "too_large");
  ExpectError(client_->Put(Photo(id), CookieHeaders(server_->Login("banpong.executive")), png, "image/png"), 403,
              "forbidden");

  // A replacement; the refusals above changed nothing before it.
  got = Get(Photo(id), officer_);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->body, png);
  const std::string jpeg("\xFF\xD8\xFF\xE1\x00\x10JFIF\x00\x01\xFF\xD9", 16);
  put = client_->Put(Photo(id), CookieHeaders(officer_), jpeg, "image/jpeg");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  got = Get(Photo(id), officer_);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(got->body, jpeg);
  EXPECT_EQ(AuditOf("sensor_photo").size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(http, CalibrationApiTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace ecotown::testing
