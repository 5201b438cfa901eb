// The demo cooperation network of the pilot municipalities (`ecotown demo`).
#pragma once

#include <ostream>

#include "app/runtime.h"

namespace ecotown::app {

// For Ban Pong and Boek Phrai: the provincial industry office, the regional environment office,
// a community group, a school and a demo factory as partners, with contact people (fictitious,
// example.org addresses), an MoU for the eco-industrial town, and one meeting with action items
// (one done, one open, one overdue). Does nothing for an LAO that already has partners.
Status SeedDemoNetwork(Runtime& runtime, std::ostream& out);

}  // namespace ecotown::app
