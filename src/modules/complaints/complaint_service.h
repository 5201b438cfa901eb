// ComplaintService: the use cases of resident complaints. Stateless; thread-safe.
//
// Residents file without an account (File, under ResidentScope) and follow a complaint by its
// tracking number (PublicStatus, under PublicReaderScope). Officers of the LAO work it through
// received -> assigned -> investigating -> resolved | rejected -> closed, reply publicly, keep
// internal notes, link a factory and an inspection, merge duplicates. Every write is audited
// without personal data; every public change queues an e-mail to a resident who left an address.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "modules/complaints/complaint.h"
#include "modules/orgs/org.h"
#include "modules/unit_of_work.h"

namespace ecotown::complaints {

// A scope that may file complaints in exactly this organisation and read nothing else; the
// actor name is what the audit log records ("public", "open311:<client>").
tenancy::Scope ResidentScope(const orgs::Org& org, std::string actor_name);
// A read-only scope over exactly this organisation, for the public pages.
tenancy::Scope PublicReaderScope(const orgs::Org& org);

struct NewComplaint {
  Category category = Category::kOther;
  std::string description;
  std::optional<double> lat;
  std::optional<double> lon;
  std::string address;
  std::optional<int64_t> observed_at;  // default: now
  Contact contact;
  // The consent text version the resident agreed to; required with any contact detail on the
  // web form. Open311 filings record the legal basis "open311-public-task" instead (PDPA s. 24),
  // LINE filings "line-public-task" (the LINE user id is kept only to answer the resident).
  std::optional<std::string> consent_version;
  std::string source = "web";  // "web", "open311" or "line" (then contact.line_user_id is required)
  std::optional<std::string> idempotency_key;
  std::vector<std::string> photos;  // image bytes (JPEG, PNG or WebP)
};

struct Filed {
  Complaint complaint;
  bool replayed = false;  // the idempotency key was seen before: nothing new was stored
};

struct TransitionRequest {
  ComplaintStatus to = ComplaintStatus::kReceived;
  std::optional<std::string> reason;        // required for rejected
  std::optional<int64_t> assignee_user_id;  // required for assigned
  std::optional<std::string> public_reply;  // shown to the resident with the change
};

struct LinkRequest {
  // Outer absent: unchanged; inner absent: unlinked.
  std::optional<std::optional<int64_t>> factory_id;
  std::optional<std::optional<int64_t>> inspection_id;
};

struct ComplaintDetail {
  Complaint complaint;
  std::vector<ComplaintEvent> events;  // every event, internal notes included
  std::vector<Photo> photos;           // without bytes
};

// What a resident sees: no contact, no internal notes, no assignee, no photos.
struct PublicView {
  Complaint complaint;                 // callers render only public fields
  std::vector<ComplaintEvent> events;  // public kinds only
  std::string org_code;
  std::string org_name_th;
  std::string org_name_en;
};

struct CountRow {
  std::string key;
  std::string name_th;
  std::string name_en;
  int64_t count = 0;
};

struct MapPoint {
  double lat = 0;  // rounded to 3 decimals (about 100 m)
  double lon = 0;
  Category category = Category::kOther;
  bool open = true;
};

struct Transparency {
  int64_t from = 0;
  int64_t to = 0;
  int64_t total = 0;
  int64_t open = 0;
  std::vector<CountRow> by_category;  // every category, also with 0
  std::vector<CountRow> by_month;     // key "YYYY-MM" (CE), name_th "พ.ย. 2569"
  std::vector<CountRow> by_area;      // subdistrict names; "" when unknown
  std::optional<double> median_hours_to_resolve;
  std::optional<double> resolved_within_deadline_share;  // 0..1 over resolved complaints
  std::vector<MapPoint> points;
};

struct ErasureReport {
  int64_t org_id = 0;
  int erased = 0;
};

class ComplaintService {
 public:
  // The check File applies to a map position: inside the LAO's province (padded bounds); the
  // nearest subdistrict when known. Invalid naming "lat" or "lon" otherwise.
  Result<std::optional<Area>> CheckLocation(UnitOfWork& work, const orgs::Org& org, double lat, double lon) const;

  // Files a complaint of `org` (an LAO). Invalid naming the field for bad input (category,
  // description, lat/lon outside the LAO's province, address, observed_at, email, phone, name,
  // consent, photos); TooLarge for a photo over 5 MiB. A known idempotency key returns the
  // complaint filed with it (replayed) and stores nothing.
  Result<Filed> File(UnitOfWork& work, const orgs::Org& org, const NewComplaint& request) const;

  Result<ComplaintDetail> Get(UnitOfWork& work, int64_t id) const;
  Result<ComplaintPage> List(UnitOfWork& work, ComplaintQuery query) const;
  // Needs kWrite. Invalid("status") for a move the workflow refuses, ("reason") for a rejection
  // without reason, ("assignee_user_id") for an assignment without an officer of the LAO.
  Result<Complaint> Transition(UnitOfWork& work, int64_t id, const TransitionRequest& request) const;
  // A public reply (queued to the resident) or an internal note. Needs kWrite.
  Result<ComplaintEvent> AddNote(UnitOfWork& work, int64_t id, const std::string& text, bool is_public) const;
  Result<Complaint> Link(UnitOfWork& work, int64_t id, const LinkRequest& request) const;
  // The duplicate becomes merged and points to the kept complaint; its tracking number keeps
  // resolving. Invalid("kept_id") for itself, another LAO's, a merged or a closed complaint.
  Result<Complaint> Merge(UnitOfWork& work, int64_t duplicate_id, int64_t kept_id) const;
  // Personal data of one complaint; the view itself is audited (PDPA). Needs kWrite.
  Result<Contact> ViewContact(UnitOfWork& work, int64_t id) const;
  Result<Photo> GetPhoto(UnitOfWork& work, int64_t id, int64_t photo_id) const;

  // Under PublicReaderScope (or any scope reading the complaint's organisation); `org` is the
  // complaint's organisation, as the caller read it to build that scope.
  Result<PublicView> PublicStatus(UnitOfWork& work, const Complaint& complaint, const orgs::Org& org) const;
  Result<Transparency> Stats(UnitOfWork& work, int64_t org_id, int64_t from, int64_t to) const;

  // Settings of the caller's organisation (or `org_id` for a system administrator).
  Result<Settings> GetSettings(UnitOfWork& work, int64_t org_id) const;
  // Needs kManageUsers (an LAO administrator).
  Result<Settings> PutSettings(UnitOfWork& work, Settings settings) const;

  // Erases the personal data (contact, LINE user id, notice addresses) of the organisation's
  // complaints filed more than retention_days before now (work.info().now), logging each erasure
  // in the audit log and the history; deletes LINE conversations idle past resuming. At most
  // `limit` complaints (oldest first): a backlog goes in several transactions, none of which holds
  // the organisation's complaints (and its residents' filings) for long.
  Result<ErasureReport> EraseExpired(UnitOfWork& work, int64_t org_id,
                                     int limit = std::numeric_limits<int>::max()) const;
  // EraseExpired for every organisation with complaints (the background job, System scope), at
  // most `limit` per organisation.
  Result<std::vector<ErasureReport>> EraseExpiredEverywhere(UnitOfWork& work,
                                                            int limit = std::numeric_limits<int>::max()) const;
};

}  // namespace ecotown::complaints
