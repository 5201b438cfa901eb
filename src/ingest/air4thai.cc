#include "ingest/air4thai.h"

#include <optional>
#include <string>

#include "core/thai_calendar.h"
#include "ingest/json_input.h"
#include "ingest/parse_util.h"

namespace ecotown::ingest {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool IsStationId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (const char c : id) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A value in either response: text or number; "-1", "-", "", "N/A", -1 and -999 mean none.
Result<std::optional<double>> Air4ThaiValue(element value, std::string_view path) {
  ASSIGN_OR_RETURN(const std::optional<double> number, NumberFromText(value, path, {"-", "", "N/A", "NA"}));
  if (number && (*number == -1.0 || *number == -999.0)) return std::optional<double>();
  return number;
}

Result<std::string> StationIdOf(simdjson::dom::object station, const std::string& path) {
  const std::string id_path = JoinPath(path, "stationID");
  element id_element;
  if (station["stationID"].get(id_element)) return Status::Invalid(id_path + ": missing", id_path);
  ASSIGN_OR_RETURN(const std::string_view id, RequiredString(id_element, id_path));
  if (!IsStationId(id)) return Status::Invalid(id_path + ": " + QuoteForMessage(id) + " is not a station id", id_path);
  return std::string(id);
}

// One station of the current response; nullopt when it reports no PM value.
Result<std::optional<readings::RawReading>> CurrentStation(element station_element, const std::string& path) {
  simdjson::dom::object station;
  if (station_element.get_object().get(station)) {
    return Status::Invalid(path + ": expected an object, got " + JsonTypeName(station_element.type()), path);
  }
  readings::RawReading reading;
  reading.source = readings::Source::kAir4Thai;
  ASSIGN_OR_RETURN(reading.device_key, StationIdOf(station, path));

  element last;
  std::string last_path = JoinPath(path, "AQILast");
  if (station["AQILast"].get(last)) {
    last_path = JoinPath(path, "LastUpdate");
    if (station["LastUpdate"].get(last)) {
      return Status::Invalid(JoinPath(path, "AQILast") + ": missing (nor LastUpdate)", JoinPath(path, "AQILast"));
    }
  }
  simdjson::dom::object block;
  if (last.get_object().get(block)) {
    return Status::Invalid(last_path + ": expected an object, got " + JsonTypeName(last.type()), last_path);
  }

  for (const auto& [name, target] : {std::pair{"PM25", &reading.pm2_5}, std::pair{"PM10", &reading.pm10}}) {
    element pollutant;
    if (block[name].get(pollutant) || pollutant.type() == element_type::NULL_VALUE) continue;
    const std::string pollutant_path = JoinPath(last_path, name);
    simdjson::dom::object pollutant_object;
    if (pollutant.get_object().get(pollutant_object)) {
      return Status::Invalid(pollutant_path + ": expected an object, got " + JsonTypeName(pollutant.type()),
                             pollutant_path);
    }
    element value;
    if (pollutant_object["value"].get(value)) continue;
    ASSIGN_OR_RETURN(*target, Air4ThaiValue(value, JoinPath(pollutant_path, "value")));
  }
  if (!reading.pm2_5 && !reading.pm10) return std::optional<readings::RawReading>();

  element date_element, time_element;
  if (block["date"].get(date_element)) {
    return Status::Invalid(JoinPath(last_path, "date") + ": missing", JoinPath(last_path, "date"));
  }
  if (block["time"].get(time_element)) {
    return Status::Invalid(JoinPath(last_path, "time") + ": missing", JoinPath(last_path, "time"));
  }
  ASSIGN_OR_RETURN(const std::string_view date, RequiredString(date_element, JoinPath(last_path, "date")));
  ASSIGN_OR_RETURN(const std::string_view time, RequiredString(time_element, JoinPath(last_path, "time")));
  if (date.size() != 10) {
    return Status::Invalid(JoinPath(last_path, "date") + ": " + QuoteForMessage(date) + " is not YYYY-MM-DD",
                           JoinPath(last_path, "date"));
  }
  if (time.size() != 5) {
    return Status::Invalid(JoinPath(last_path, "time") + ": " + QuoteForMessage(time) + " is not HH:MM",
                           JoinPath(last_path, "time"));
  }
  std::string local(date);
  local += 'T';
  local += time;
  const auto ts = ParseIsoTimestamp(local, core::kBangkokUtcOffsetSeconds);
  if (!ts) {
    return Status::Invalid(last_path + ": " + QuoteForMessage(local) + " is not a valid local date and time",
                           JoinPath(last_path, "date"));
  }
  reading.ts = *ts;
  return std::optional<readings::RawReading>(std::move(reading));
}

// One row of a history station's data[]; nullopt when it has no value we keep.
Result<std::optional<readings::RawReading>> HistoryRow(element row_element, const std::string& path,
                                                       const std::string& station_id) {
  simdjson::dom::object row;
  if (row_element.get_object().get(row)) {
    return Status::Invalid(path + ": expected an object, got " + JsonTypeName(row_element.type()), path);
  }
  readings::RawReading reading;
  reading.source = readings::Source::kAir4Thai;
  bool have_time = false;
  const NumberTarget targets[] = {{"PM25", &reading.pm2_5},
                                  {"PM10", &reading.pm10},
                                  {"TEMP", &reading.temperature_c},
                                  {"RH", &reading.humidity_pct}};
  for (simdjson::dom::key_value_pair field : row) {
    std::optional<double>* target = FindTarget(targets, field.key);
    if (target != nullptr) {
      ASSIGN_OR_RETURN(*target, Air4ThaiValue(field.value, JoinPath(path, field.key)));
    } else if (field.key == "DATETIMEDATA") {
      const std::string time_path = JoinPath(path, "DATETIMEDATA");
      ASSIGN_OR_RETURN(const std::string_view text, RequiredString(field.value, time_path));
      const auto ts = text.size() == 19 ? ParseIsoTimestamp(text, core::kBangkokUtcOffsetSeconds) : std::nullopt;
      if (!ts) {
        return Status::Invalid(time_path + ": " + QuoteForMessage(text) + " is not \"YYYY-MM-DD HH:MM:SS\"", time_path);
      }
      reading.ts = *ts;
      have_time = true;
    }
  }
  // The Hat Yai series encodes missing meteorology as TEMP = RH = 0 (data/air4thai/hatyai-44t).
  if (reading.temperature_c == 0.0 && reading.humidity_pct == 0.0) {
    reading.temperature_c.reset();
    reading.humidity_pct.reset();
  }
  if (!HasMeasurement(reading)) return std::optional<readings::RawReading>();
  if (!have_time) return Status::Invalid(JoinPath(path, "DATETIMEDATA") + ": missing", JoinPath(path, "DATETIMEDATA"));
  reading.device_key = station_id;
  return std::optional<readings::RawReading>(std::move(reading));
}

Result<simdjson::dom::array> StationsArray(simdjson::dom::object root) {
  element stations_element;
  if (root["stations"].get(stations_element)) return Status::Invalid("stations: missing", "stations");
  simdjson::dom::array stations;
  if (stations_element.get_array().get(stations)) {
    return Status::Invalid(std::string("stations: expected an array, got ") + JsonTypeName(stations_element.type()),
                           "stations");
  }
  return stations;
}

}  // namespace

Result<Air4ThaiReadings> ParseAir4ThaiCurrent(std::string_view json) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(const element root, ParseJson(parser, json, kMaxAir4ThaiBodyBytes, /*reject_duplicates=*/true));
  simdjson::dom::object object;
  if (root.get_object().get(object)) {
    return Status::Invalid(std::string("expected a JSON object, got ") + JsonTypeName(root.type()));
  }
  Air4ThaiReadings out;
  out.averaging_hours = 24;
  element ignored;
  if (object["stations"].get(ignored) && !object["stationID"].get(ignored)) {
    // ?stationID=... answers with the station object itself: its errors are the response's.
    ASSIGN_OR_RETURN(auto reading, CurrentStation(root, ""));
    if (reading) out.readings.push_back(std::move(*reading));
    return out;
  }
  ASSIGN_OR_RETURN(const simdjson::dom::array stations, StationsArray(object));
  size_t index = 0;
  for (element station : stations) {
    const std::string path = IndexPath("stations", index++);
    auto reading = CurrentStation(station, path);
    if (!reading.ok()) {
      out.skipped.push_back(reading.status());
    } else if (*reading) {
      out.readings.push_back(std::move(**reading));
    }
  }
  return out;
}

Result<Air4ThaiReadings> ParseAir4ThaiHistory(std::string_view json) {
  simdjson::dom::parser parser;
  ASSIGN_OR_RETURN(const element root, ParseJson(parser, json, kMaxAir4ThaiBodyBytes, /*reject_duplicates=*/true));
  simdjson::dom::object object;
  if (root.get_object().get(object)) {
    return Status::Invalid(std::string("expected a JSON object, got ") + JsonTypeName(root.type()));
  }
  element result_element;
  if (!object["result"].get(result_element)) {
    ASSIGN_OR_RETURN(const std::string_view result, RequiredString(result_element, "result"));
    if (result != "OK") {
      std::string message = "Air4Thai answered result " + QuoteForMessage(result);
      element error_element;
      std::string_view error_text;
      if (!object["error"].get(error_element) && !error_element.get_string().get(error_text) && !error_text.empty()) {
        message += ": " + QuoteForMessage(error_text, 200);
      }
      return Status::Invalid(std::move(message), "result");
    }
  }
  ASSIGN_OR_RETURN(const simdjson::dom::array stations, StationsArray(object));
  Air4ThaiReadings out;
  out.averaging_hours = 1;
  size_t station_index = 0;
  for (element station_element : stations) {
    const std::string path = IndexPath("stations", station_index++);
    simdjson::dom::object station;
    if (station_element.get_object().get(station)) {
      out.skipped.push_back(
          Status::Invalid(path + ": expected an object, got " + JsonTypeName(station_element.type()), path));
      continue;
    }
    auto station_id = StationIdOf(station, path);
    if (!station_id.ok()) {
      out.skipped.push_back(station_id.status());
      continue;
    }
    element data_element;
    simdjson::dom::array data;
    if (station["data"].get(data_element) || data_element.get_array().get(data)) {
      out.skipped.push_back(Status::Invalid(path + ".data: missing or not an array", path + ".data"));
      continue;
    }
    size_t row_index = 0;
    for (element row : data) {
      auto reading = HistoryRow(row, IndexPath(path + ".data", row_index++), *station_id);
      if (!reading.ok()) {
        out.skipped.push_back(reading.status());
      } else if (*reading) {
        out.readings.push_back(std::move(**reading));
      }
    }
  }
  return out;
}

}  // namespace ecotown::ingest
