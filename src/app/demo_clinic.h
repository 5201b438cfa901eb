// Demo data of training and the pollution clinic, seeded by `ecotown demo` after the demo
// organisations, users and factories exist.
#pragma once

#include <optional>
#include <ostream>
#include <string_view>

#include "app/runtime.h"

namespace ecotown::app {

// Idempotent: seeds nothing when Ban Pong already has a training course (training) or clinic
// cases (clinic).
Status SeedDemoTrainingAndClinic(Runtime& runtime, std::ostream& out);

// The demo factory that a demo factory representative of the organisation acts for (Ban Pong's
// stone-crushing mill), registered on first use; nullopt for other organisations.
Result<std::optional<int64_t>> DemoFactoryOf(UnitOfWork& work, std::string_view org_code);

}  // namespace ecotown::app
