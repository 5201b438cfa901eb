// Ingest endpoints: devices with unchanged firmware (Sensor.Community airrohr, AirGradient), our
// JSON batch, and file imports from the web UI. Every path ends in readings::ReadingService, so
// each is idempotent on (sensor, ts) and flags with the same QA rules. Refusals are answered with
// an error naming the field and recorded as ingest events for the network health page.
#include <strings.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "http/api.h"
#include "http/errors.h"
#include "ingest/airgradient.h"
#include "ingest/airrohr.h"
#include "ingest/air4thai.h"
#include "ingest/csv.h"
#include "ingest/json_batch.h"
#include "modules/accounts/secrets.h"
#include "modules/readings/group_commit.h"
#include "modules/readings/reading_service.h"
#include "modules/sensors/sensor_service.h"

namespace ecotown::http {
namespace {

using nlohmann::json;
using readings::IngestSummary;
using readings::RawReading;

// Errors listed in an answer; the counts always cover all of them.
constexpr size_t kMaxListedErrors = 100;
// Largest file accepted by the import endpoint (the server's body limit may be lower).
constexpr size_t kMaxImportBytes = 64 * 1024 * 1024;

json SummaryJson(const IngestSummary& summary) {
  json errors = json::array();
  for (size_t i = 0; i < summary.errors.size() && i < kMaxListedErrors; ++i) {
    const auto& e = summary.errors[i];
    errors.push_back({{"index", e.index}, {"sensor", e.device_key}, {"message", e.message}});
  }
  return {{"received", summary.received}, {"accepted", summary.accepted},   {"duplicates", summary.duplicates},
          {"flagged", summary.flagged},   {"rejected", summary.rejected}, {"errors", errors}};
}

// A refused batch: 422 with the usual error body plus the rows at fault.
Response RefusedBatch(const IngestSummary& summary) {
  const auto& first = summary.errors.front();
  json body = {{"error",
                {{"code", "invalid"},
                 {"message", "row " + std::to_string(first.index) + ": " + first.message + " (" +
                                 std::to_string(summary.rejected) + " bad rows; nothing was stored)"},
                 {"field", "readings[" + std::to_string(first.index) + "]"}}},
               {"summary", SummaryJson(summary)}};
  return Response::Json(422, body.dump());
}

// The password of an "Authorization: Basic" header; nothing without the header.
Result<std::optional<std::string>> BasicPassword(const Request& request) {
  auto header = request.Header("authorization");
  if (!header) return std::optional<std::string>();
  if (header->size() < 6 || strncasecmp(header->c_str(), "Basic ", 6) != 0) {
    return Status::Unauthenticated("devices authenticate with HTTP Basic (user: device key, password: device secret)");
  }
  auto decoded = accounts::DecodeBase64(std::string_view(*header).substr(6));
  if (!decoded.ok()) return Status::Unauthenticated("malformed Basic credentials");
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return Status::Unauthenticated("malformed Basic credentials");
  return std::optional<std::string>(decoded->substr(colon + 1));
}

// Writes an ingest event in its own transaction (the request's own one was refused). Failure to
// record is not the device's problem: the answer stays the refusal.
void RecordEvent(Call& call, readings::IngestEvent event) {
  event.at = call.info.now;
  (void)call.transactor.Write(tenancy::Scope::System("ingest"), call.info,
                              [&](UnitOfWork& work) { return readings::RecordIngestEvent(work, event); });
}

std::string KindOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound: return "unknown_device";
    case StatusCode::kUnauthenticated:
    case StatusCode::kForbidden: return "unauthorized";
    default: return "rejected";
  }
}

// One device's post: authenticate the device, store its readings.
Result<Response> IngestFromDevice(Call& call, const readings::ReadingService& service, readings::Source source,
                                  const std::string& device_key, Result<std::vector<RawReading>> parsed) {
  auto fail = [&](const Status& status) -> Result<Response> {
    RecordEvent(call, {0, 0, std::nullopt, std::nullopt, readings::SourceName(source), device_key, KindOf(status),
                       status.message(), 1});
    return status;
  };
  if (!parsed.ok()) return fail(parsed.status());
  auto password = BasicPassword(call.request);
  if (!password.ok()) return fail(password.status());
  IngestSummary summary;
  Status status = call.transactor.Write(tenancy::Scope::System("device " + device_key), call.info,
                                        [&](UnitOfWork& work) -> Status {
                                          ASSIGN_OR_RETURN(auto sensor, sensors::SensorService().AuthenticateDevice(
                                                                            work, device_key, *password));
                                          ASSIGN_OR_RETURN(summary, service.IngestForSensor(work, sensor, *parsed,
                                                                                            call.info.now));
                                          return Status::Ok();
                                        });
  if (!status.ok()) return fail(status);
  if (summary.rejected > 0) {
    const Status refused = Status::Invalid(summary.errors.front().message, "readings");
    RecordEvent(call, {0, 0, std::nullopt, std::nullopt, readings::SourceName(source), device_key, "rejected",
                       refused.message(), summary.rejected});
  }
  return Response::Json(200, SummaryJson(summary).dump());
}

// Parses an uploaded file into readings; row errors are collected, not fatal.
struct ParsedFile {
  std::vector<RawReading> rows;
  std::vector<readings::RowError> errors;
};

Result<ParsedFile> ParseImport(std::string_view format, const std::string& body) {
  ParsedFile file;
  auto on_row = [&](RawReading&& r) { file.rows.push_back(std::move(r)); };
  auto on_error = [&](size_t line, const Status& error) {
    file.errors.push_back({line, "", error.message()});
  };
  if (format == "csv" || format == "sensor-community") {
    std::istringstream in(body);
    auto read = format == "csv" ? ingest::ReadCsvReadings(in, on_row, on_error)
                                : ingest::ReadSensorCommunityArchive(in, on_row, on_error);
    if (!read.ok()) return read.status();
    return file;
  }
  if (format == "air4thai") {
    // Only the hourly history is stored: the current response's PM values are 24-hour moving
    // means (PCD's AQI input), which would be wrong as hourly samples.
    ASSIGN_OR_RETURN(auto parsed, ingest::ParseAir4ThaiHistory(body));
    file.rows = std::move(parsed.readings);
    for (const Status& skipped : parsed.skipped) file.errors.push_back({0, "", skipped.message()});
    return file;
  }
  return Status::Invalid("format must be csv, sensor-community or air4thai (hourly history)", "format");
}

}  // namespace

void RegisterIngestRoutes(Router& router, const readings::ReadingService& service) {
  // Sensor.Community firmware, "Send to own API": POST to this path (or to the firmware's default
  // path /data.php) on the configured host, plain HTTP, answered directly (no redirect: the firmware
  // does not follow one).
  const RouteHandler airrohr = [&service](Call& call) -> Result<Response> {
    const std::string header = call.request.Header("x-sensor").value_or("");
    auto parsed = ingest::ParseAirrohr(call.request.body, header, call.info.now);
    std::string key = header;
    if (parsed.ok() && !parsed->empty()) key = parsed->front().device_key;
    if (parsed.ok() && parsed->empty()) {
      return Response::Json(200, SummaryJson(IngestSummary{}).dump());  // only meta values: nothing to store
    }
    return IngestFromDevice(call, service, readings::Source::kAirrohr, key, std::move(parsed));
  };
  router.Add("POST", "/api/v1/ingest/airrohr", Access::kDevice, airrohr);
  router.Add("POST", "/data.php", Access::kDevice, airrohr);

  // AirGradient's cloud client pointed at this server (custom httpDomain).
  router.Add("POST", "/sensors/{device}/measures", Access::kDevice, [&service](Call& call) -> Result<Response> {
    const std::string& device = call.Param("device");
    constexpr std::string_view kPrefix = "airgradient:";
    if (device.rfind(kPrefix, 0) != 0 || !ingest::IsAirGradientSerial(device.substr(kPrefix.size()))) {
      return Status::NotFound("no such endpoint: expected /sensors/airgradient:<serial>/measures");
    }
    const std::string serial = device.substr(kPrefix.size());
    auto parsed = ingest::ParseAirGradient(call.request.body, serial, call.info.now);
    if (parsed.ok() && parsed->empty()) return Response::Json(200, SummaryJson(IngestSummary{}).dump());
    return IngestFromDevice(call, service, readings::Source::kAirGradient, serial, std::move(parsed));
  });

  // Our JSON batch: many sensors and times, all or nothing. Parsed on the request's thread;
  // stored with the caller's other batches in flight in one transaction (group_commit.h).
  auto group_commit = std::make_shared<readings::GroupCommit>(service);
  router.Add("POST", "/api/v1/readings", Access::kAuthenticated, [group_commit](Call& call) -> Result<Response> {
    auto parsed = ingest::ParseJsonBatch(call.request.body);
    if (!parsed.ok()) {
      RecordEvent(call, {0, 0, call.Scope().principal().org_id, std::nullopt, "json", "", "rejected",
                         parsed.status().message(), 0});
      return parsed.status();
    }
    readings::IngestOptions options;
    options.match_codes = true;
    const readings::GroupCommit::AfterFn record_refusal = [&call](UnitOfWork& work,
                                                                  const IngestSummary& summary) -> Status {
      if (summary.rejected == 0) return Status::Ok();
      return work.readings()
          .InsertIngestEvent({0, call.info.now, work.scope().principal().org_id, std::nullopt, "json",
                              summary.errors.front().device_key, "rejected", summary.errors.front().message,
                              summary.rejected})
          .status();
    };
    ASSIGN_OR_RETURN(const IngestSummary summary, group_commit->Ingest(call.transactor, call.Scope(), call.info,
                                                                       *parsed, options, record_refusal));
    if (summary.rejected > 0) return RefusedBatch(summary);
    return Response::Json(200, SummaryJson(summary).dump());
  });

  // A file uploaded from the web UI: bad rows are refused with reasons, the rest stored. A refused
  // file, and a file with refused rows, is an ingest event of the uploader's organisation, as on
  // every other path (the network health page lists them).
  router.Add("POST", "/api/v1/readings/import", Access::kAuthenticated, [&service](Call& call) -> Result<Response> {
    const std::string format = call.request.Query("format").value_or("csv");
    const char* source = readings::SourceName(format == "air4thai" ? readings::Source::kAir4Thai : readings::Source::kCsv);
    const auto org = call.Scope().principal().org_id;
    auto refuse_file = [&](const Status& status) -> Status {
      RecordEvent(call, {0, 0, org, std::nullopt, source, "", "rejected", "file refused: " + status.message(), 0});
      return status;
    };
    if (call.request.body.size() > kMaxImportBytes) return refuse_file(Status::TooLarge("file larger than 64 MiB"));
    auto parsed = ParseImport(format, call.request.body);
    if (!parsed.ok()) return refuse_file(parsed.status());
    ParsedFile& file = *parsed;
    IngestSummary summary;
    readings::IngestOptions options;
    options.match_codes = true;
    options.all_or_nothing = false;
    const Status stored = call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(summary, service.Ingest(work, file.rows, call.info.now, options));
      const int64_t refused = summary.rejected + static_cast<int64_t>(file.errors.size());
      if (refused == 0) return Status::Ok();
      // The first refusal names the event: a file line for a parse error, else the row's sensor.
      std::string message;
      std::string device_key;
      if (!file.errors.empty()) {
        message = file.errors.front().message;  // the parsers name the line
      } else {
        message = summary.errors.front().message;
        device_key = summary.errors.front().device_key;
      }
      return work.readings()
          .InsertIngestEvent({0, call.info.now, org, std::nullopt, source, device_key, "rejected",
                              "uploaded file: " + std::to_string(refused) + " rows refused; " + message, refused})
          .status();
    });
    if (!stored.ok()) return refuse_file(stored);
    // Parse errors name file lines; ingest errors name rows of the parsed readings.
    for (auto& e : file.errors) summary.errors.insert(summary.errors.begin(), e);
    summary.rejected += static_cast<int64_t>(file.errors.size());
    summary.received += static_cast<int64_t>(file.errors.size());
    json out = SummaryJson(summary);
    out["format"] = format;
    return Response::Json(200, out.dump());
  });
}

}  // namespace ecotown::http
