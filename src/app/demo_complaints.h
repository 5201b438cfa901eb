// Demo complaints for the pilot municipalities (`ecotown demo`).
#pragma once

#include <ostream>

#include "app/runtime.h"

namespace ecotown::app {

// A handful of complaints per pilot LAO, in every workflow state, filed over the last weeks.
// Does nothing for an organisation that already has complaints.
Status SeedDemoComplaints(Runtime& runtime, std::ostream& out);

}  // namespace ecotown::app
