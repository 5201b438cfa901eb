// Demo data of training and the pollution clinic, seeded by `ecotown demo` after the demo
// organisations, users and factories exist.
#pragma once

#include <ostream>

#include "app/runtime.h"

namespace ecotown::app {

// Idempotent: seeds nothing when Ban Pong already has a training course.
Status SeedDemoTrainingAndClinic(Runtime& runtime, std::ostream& out);

}  // namespace ecotown::app
