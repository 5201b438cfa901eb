// Fuzzes ParseLineWebhook (the LINE webhook body, after its signature was checked) and feeds every
// parsed event through the conversation state machine at each step.
#include "fuzz/fuzz_checks.h"
#include "modules/complaints/line.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ecotown;
  const auto result = complaints::ParseLineWebhook(fuzz::AsText(data, size));
  if (!result.ok()) {
    fuzz::CheckError(result.status());
    return 0;
  }
  const auto inside = [](double lat, double) { return lat < 20 ? Status::Ok() : Status::Invalid("outside", "lat"); };
  for (const auto& event : *result) {
    fuzz::Require(!event.event_id.empty());
    for (const auto step : {complaints::LineStep::kCategory, complaints::LineStep::kPhoto,
                            complaints::LineStep::kLocation, complaints::LineStep::kDescription}) {
      complaints::LineConversation c;
      c.step = step;
      c.updated_at = 1764200000;
      const auto out = complaints::StepLineConversation(c, event, std::nullopt, inside, 1, 1764200000);
      // A draft is filed only from the description step, with a valid description.
      fuzz::Require(!out.file || (step == complaints::LineStep::kDescription &&
                                  complaints::ValidateDescription(out.description).ok()));
    }
  }
  return 0;
}
