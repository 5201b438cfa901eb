// Demo inspections on the demo factories (after the factories and training demo data).
#pragma once

#include <ostream>

#include "app/runtime.h"

namespace ecotown::app {

// Seeds, once per database, inspections of Ban Pong's demo factories: a planned one with the
// default environment checklist assigned to banpong.inspector (to conduct on a phone), and two
// inspections in progress with answers, findings and open corrective actions (one overdue).
// Makes sure banpong.inspector holds a valid inspector certificate, creates two demo factories
// when the registry has none, and a factory representative banpong.rep1 (demo password) for the
// first. Does nothing when the database already has inspections.
Status SeedDemoInspections(Runtime& runtime, std::ostream& out);

}  // namespace ecotown::app
