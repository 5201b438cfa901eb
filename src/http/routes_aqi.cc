// The AQI calculator: GET /api/v1/aqi/calc?scale=th|us&pollutant=pm25|pm10&concentration=X
// answers {"aqi":N,"level":L,"category":"...","color":"#..."} plus the details a page shows.
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/aqi.h"
#include "http/api.h"

namespace ecotown::http {
namespace {

using nlohmann::json;

Result<std::string> RequiredQuery(const Call& call, const char* name) {
  auto value = call.request.Query(name);
  if (!value || value->empty()) return Status::Invalid(std::string(name) + " is required", name);
  return *value;
}

}  // namespace

void RegisterAqiRoutes(Router& router) {
  router.Add("GET", "/api/v1/aqi/calc", Access::kPublic, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const std::string scale_text, RequiredQuery(call, "scale"));
    ASSIGN_OR_RETURN(const std::string pollutant_text, RequiredQuery(call, "pollutant"));
    ASSIGN_OR_RETURN(const std::string concentration_text, RequiredQuery(call, "concentration"));
    core::AqiScale scale;
    if (scale_text == "th") scale = core::AqiScale::kThai;
    else if (scale_text == "us") scale = core::AqiScale::kUs;
    else return Status::Invalid("scale must be th or us", "scale");
    core::Pollutant pollutant;
    if (pollutant_text == "pm25") pollutant = core::Pollutant::kPm25;
    else if (pollutant_text == "pm10") pollutant = core::Pollutant::kPm10;
    else return Status::Invalid("pollutant must be pm25 or pm10", "pollutant");
    // Exact decimal parsing: the index depends on the concentration's last digit.
    auto micro = core::ParseMicroUgm3(concentration_text);
    if (!micro.ok()) return Status::Invalid("concentration must be a number of µg/m³ from 0", "concentration");

    core::ThaiAqiOptions thai;
    core::UsAqiOptions us;
    if (auto table = call.request.Query("table")) {
      if (scale == core::AqiScale::kThai && *table == "pcd-before-2023") thai.table = core::ThaiAqiTable::kPcdBefore2023;
      else if (scale == core::AqiScale::kUs && *table == "epa-before-2024") us.table = core::UsAqiTable::kEpaBefore2024;
      else if (*table != "pcd-2023" && *table != "epa-2024") {
        return Status::Invalid("table must be pcd-2023 or pcd-before-2023 (th), epa-2024 or epa-before-2024 (us)",
                               "table");
      }
    }
    auto aqi = scale == core::AqiScale::kThai ? core::ComputeThaiAqiExact(pollutant, *micro, thai)
                                              : core::ComputeUsAqiExact(pollutant, *micro, us);
    if (!aqi.ok()) return Status::Invalid(aqi.status().message(), "concentration");
    ASSIGN_OR_RETURN(const auto category, core::AqiCategoryOf(scale, aqi->level));
    const bool english = call.request.Query("lang").value_or("th") == "en";
    json out = {{"aqi", aqi->value},
                {"level", aqi->level},
                {"category", english ? category.name_en : category.name_th},
                {"color", category.colour_hex},
                {"category_th", category.name_th},
                {"category_en", category.name_en},
                {"category_key", category.key},
                {"advice_key", category.advice_key},
                {"above_table", aqi->above_table},
                {"scale", scale_text},
                {"pollutant", pollutant_text}};
    return Response::Json(200, out.dump());
  });
}

}  // namespace ecotown::http
