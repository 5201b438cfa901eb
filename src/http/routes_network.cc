// The cooperation network of an LAO: partner organisations and their contact people, agreements
// (MoUs), meetings with attendees and action items. docs/network-api.md describes every route.
//
// Contacts (personal data) are answered only to logged-in staff of the LAO; other readers get
// "contacts_visible": false and meetings whose contact names are blank.
#include <nlohmann/json.hpp>

#include "http/api.h"
#include "http/json_body.h"
#include "modules/network/network_service.h"

namespace ecotown::http {
namespace {

using network::ActionItem;
using network::Agreement;
using network::Contact;
using network::Meeting;
using network::NetworkService;
using network::Partner;
using nlohmann::json;

json Opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(); }
json Opt(const std::optional<std::string>& v) { return v ? json(*v) : json(); }

json KindJson(network::PartnerKind kind) {
  for (const auto& info : network::AllKinds()) {
    if (info.kind == kind) return {{"code", info.code}, {"name_th", info.name_th}, {"name_en", info.name_en}};
  }
  return json();
}

json PartnerJson(const Partner& p) {
  return {{"id", p.id},
          {"org_id", p.org_id},
          {"kind", KindJson(p.kind)},
          {"name_th", p.name_th},
          {"name_en", p.name_en},
          {"address", p.address},
          {"phone", p.phone},
          {"email", p.email},
          {"website", p.website},
          {"factory_id", Opt(p.factory_id)},
          {"notes", p.notes},
          {"contact_count", p.contact_count},
          {"archived_at", Opt(p.archived_at)},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

json ContactJson(const Contact& c) {
  return {{"id", c.id},
          {"partner_id", c.partner_id},
          {"partner_name_th", c.partner_name_th},
          {"name", c.name},
          {"position", c.position},
          {"phone", c.phone},
          {"email", c.email},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

json AgreementJson(const Agreement& a, const std::string& today) {
  json parties = json::array();
  for (const auto& p : a.parties) {
    parties.push_back({{"partner_id", p.partner_id}, {"name_th", p.name_th}, {"name_en", p.name_en}});
  }
  return {{"id", a.id},
          {"org_id", a.org_id},
          {"title", a.title},
          {"signed_on", Opt(a.signed_on)},
          {"starts_on", a.starts_on},
          {"ends_on", Opt(a.ends_on)},
          {"status", network::AgreementStatusName(network::StatusOn(a, today))},
          {"document_note", a.document_note},
          {"parties", parties},
          {"created_at", a.created_at},
          {"updated_at", a.updated_at}};
}

json ActionJson(const ActionItem& a, const std::string& today) {
  return {{"id", a.id},
          {"meeting_id", a.meeting_id},
          {"meeting_title", a.meeting_title},
          {"meeting_starts_at", a.meeting_starts_at},
          {"text", a.text},
          {"owner_partner",
           a.owner_partner_id ? json({{"id", *a.owner_partner_id},
                                      {"name_th", a.owner_partner_name_th},
                                      {"name_en", a.owner_partner_name_en}})
                              : json()},
          {"owner_contact", a.owner_contact_id ? json({{"id", *a.owner_contact_id}, {"name", a.owner_contact_name}})
                                               : json()},
          {"due_on", Opt(a.due_on)},
          {"status", network::ActionStatusName(a.status)},
          {"done_on", Opt(a.done_on)},
          {"overdue", network::IsOverdue(a, today)},
          {"note", a.note},
          {"created_at", a.created_at},
          {"updated_at", a.updated_at}};
}

json MeetingSummaryJson(const Meeting& m) {
  return {{"id", m.id},           {"org_id", m.org_id}, {"title", m.title},
          {"starts_at", m.starts_at}, {"place", m.place}, {"open_actions", m.open_actions},
          {"created_at", m.created_at}, {"updated_at", m.updated_at}};
}

json MeetingJson(const Meeting& m, const std::string& today) {
  json out = MeetingSummaryJson(m);
  json attendees = json::array();
  for (const auto& a : m.attendees) {
    attendees.push_back({{"partner_id", Opt(a.partner_id)},
                         {"partner_name_th", a.partner_name_th},
                         {"partner_name_en", a.partner_name_en},
                         {"contact_id", Opt(a.contact_id)},
                         {"contact_name", a.contact_name},
                         {"attended", a.attended}});
  }
  json actions = json::array();
  int open = 0;
  for (const auto& a : m.actions) {
    actions.push_back(ActionJson(a, today));
    if (a.status == network::ActionStatus::kOpen) ++open;
  }
  out["agenda"] = m.agenda;
  out["minutes"] = m.minutes;
  out["attendees"] = attendees;
  out["actions"] = actions;
  out["open_actions"] = open;
  return out;
}

std::string Or(const std::optional<std::string>& v) { return v.value_or(""); }

// ---- request bodies ---------------------------------------------------------------------------

Result<Partner> ParsePartner(JsonBody& body) {
  Partner p;
  ASSIGN_OR_RETURN(const std::string kind, body.String("kind", 64));
  ASSIGN_OR_RETURN(p.kind, network::ParseKind(kind));
  ASSIGN_OR_RETURN(p.name_th, body.String("name_th", network::kMaxNameChars + 50));
  ASSIGN_OR_RETURN(auto name_en, body.OptString("name_en", network::kMaxNameChars + 50));
  ASSIGN_OR_RETURN(auto address, body.OptString("address", network::kMaxTextChars + 50));
  ASSIGN_OR_RETURN(auto phone, body.OptString("phone", 40));
  ASSIGN_OR_RETURN(auto email, body.OptString("email", 300));
  ASSIGN_OR_RETURN(auto website, body.OptString("website", network::kMaxTextChars + 50));
  ASSIGN_OR_RETURN(p.factory_id, body.OptInt("factory_id"));
  ASSIGN_OR_RETURN(auto notes, body.OptString("notes", network::kMaxNoteChars + 50));
  p.name_en = Or(name_en);
  p.address = Or(address);
  p.phone = Or(phone);
  p.email = Or(email);
  p.website = Or(website);
  p.notes = Or(notes);
  return p;
}

Result<Contact> ParseContact(JsonBody& body) {
  Contact c;
  ASSIGN_OR_RETURN(c.name, body.String("name", network::kMaxNameChars + 50));
  ASSIGN_OR_RETURN(auto position, body.OptString("position", network::kMaxTextChars + 50));
  ASSIGN_OR_RETURN(auto phone, body.OptString("phone", 40));
  ASSIGN_OR_RETURN(auto email, body.OptString("email", 300));
  ASSIGN_OR_RETURN(auto partner_id, body.OptInt("partner_id"));
  c.position = Or(position);
  c.phone = Or(phone);
  c.email = Or(email);
  c.partner_id = partner_id.value_or(0);
  return c;
}

// A list of ids: Invalid naming the field (and the position) otherwise.
Result<std::vector<int64_t>> IdList(const json& value, const std::string& field) {
  if (!value.is_array()) return Status::Invalid(field + " must be a list of ids", field);
  std::vector<int64_t> ids;
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_number_integer()) {
      return Status::Invalid(field + " must be a list of ids", field + "[" + std::to_string(i) + "]");
    }
    ids.push_back(value[i].get<int64_t>());
  }
  return ids;
}

Result<Agreement> ParseAgreement(JsonBody& body) {
  Agreement a;
  ASSIGN_OR_RETURN(a.title, body.String("title", network::kMaxNameChars + 50));
  ASSIGN_OR_RETURN(a.signed_on, body.OptString("signed_on", 20));
  ASSIGN_OR_RETURN(a.starts_on, body.String("starts_on", 20));
  ASSIGN_OR_RETURN(a.ends_on, body.OptString("ends_on", 20));
  ASSIGN_OR_RETURN(auto note, body.OptString("document_note", network::kMaxNoteChars + 50));
  a.document_note = Or(note);
  ASSIGN_OR_RETURN(const json parties, body.Raw("parties"));
  ASSIGN_OR_RETURN(const auto ids, IdList(parties, "parties"));
  for (const int64_t id : ids) a.parties.push_back({id, "", ""});
  return a;
}

Result<Meeting> ParseMeeting(JsonBody& body, std::string_view text) {
  Meeting m;
  ASSIGN_OR_RETURN(m.title, body.String("title", network::kMaxNameChars + 50));
  ASSIGN_OR_RETURN(m.starts_at, body.Int("starts_at"));
  ASSIGN_OR_RETURN(auto place, body.OptString("place", network::kMaxTextChars + 50));
  ASSIGN_OR_RETURN(auto agenda, body.OptString("agenda", network::kMaxLongTextChars + 50));
  ASSIGN_OR_RETURN(auto minutes, body.OptString("minutes", network::kMaxLongTextChars + 50));
  m.place = Or(place);
  m.agenda = Or(agenda);
  m.minutes = Or(minutes);
  json attendees;
  if (const json raw = json::parse(text, nullptr, false); raw.is_object() && raw.contains("attendees")) {
    ASSIGN_OR_RETURN(attendees, body.Raw("attendees"));
  }
  if (attendees.is_null()) return m;
  if (!attendees.is_array()) return Status::Invalid("attendees must be a list", "attendees");
  for (size_t i = 0; i < attendees.size(); ++i) {
    const std::string field = "attendees[" + std::to_string(i) + "]";
    const json& a = attendees[i];
    if (!a.is_object()) return Status::Invalid(field + " must be an object", field);
    network::Attendee attendee;
    for (const auto& [key, value] : a.items()) {
      if (key == "partner_id" || key == "contact_id") {
        if (value.is_null()) continue;
        if (!value.is_number_integer()) return Status::Invalid(key + " must be an id", field + "." + key);
        (key == "partner_id" ? attendee.partner_id : attendee.contact_id) = value.get<int64_t>();
      } else if (key == "attended") {
        if (!value.is_boolean()) return Status::Invalid("attended is true or false", field + ".attended");
        attendee.attended = value.get<bool>();
      } else {
        return Status::Invalid("unknown field " + key, field + "." + key);
      }
    }
    m.attendees.push_back(std::move(attendee));
  }
  return m;
}

Result<ActionItem> ParseAction(JsonBody& body) {
  ActionItem a;
  ASSIGN_OR_RETURN(a.text, body.String("text", network::kMaxNoteChars + 50));
  ASSIGN_OR_RETURN(a.owner_partner_id, body.OptInt("owner_partner_id"));
  ASSIGN_OR_RETURN(a.owner_contact_id, body.OptInt("owner_contact_id"));
  ASSIGN_OR_RETURN(a.due_on, body.OptString("due_on", 20));
  ASSIGN_OR_RETURN(auto status, body.OptString("status", 16));
  if (status) {
    ASSIGN_OR_RETURN(a.status, network::ParseActionStatus(*status));
  }
  ASSIGN_OR_RETURN(a.done_on, body.OptString("done_on", 20));
  ASSIGN_OR_RETURN(auto note, body.OptString("note", network::kMaxNoteChars + 50));
  a.note = Or(note);
  return a;
}

// ?org=CODE narrows a list to one readable organisation.
Status OrgFilter(Call& call, UnitOfWork& work, std::optional<int64_t>& org_id) {
  auto code = call.request.Query("org");
  if (!code || code->empty()) return Status::Ok();
  auto org = work.orgs().FindByCode(*code);
  if (!org.ok() || !work.scope().CanRead(org->id)) return Status::Invalid("unknown organisation " + *code, "org");
  org_id = org->id;
  return Status::Ok();
}

Result<std::optional<int64_t>> OptIdQuery(const Call& call, const char* name) {
  auto v = call.request.Query(name);
  if (!v || v->empty()) return std::optional<int64_t>();
  char* end = nullptr;
  const long long id = std::strtoll(v->c_str(), &end, 10);
  if (*end != '\0' || id <= 0) return Status::Invalid(std::string(name) + " must be an id", name);
  return std::optional<int64_t>(id);
}

Response Created(const json& out) { return Response::Json(201, out.dump()); }
Response Ok(const json& out) { return Response::Json(200, out.dump()); }

// DELETE {path}: one NetworkService delete, answered {"id", "outcome": "deleted"}.
void AddDelete(Router& router, const std::string& path, const char* what,
               Status (NetworkService::*remove)(UnitOfWork&, int64_t) const) {
  router.Add("DELETE", path, Access::kAuthenticated, [what, remove](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", what));
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status { return (NetworkService().*remove)(work, id); }));
    return Ok({{"id", id}, {"outcome", "deleted"}});
  });
}

}  // namespace

void RegisterNetworkRoutes(Router& router) {
  AddDelete(router, "/api/v1/network/contacts/{id}", "contact", &NetworkService::DeleteContact);
  AddDelete(router, "/api/v1/network/agreements/{id}", "agreement", &NetworkService::DeleteAgreement);
  AddDelete(router, "/api/v1/network/meetings/{id}", "meeting", &NetworkService::DeleteMeeting);
  AddDelete(router, "/api/v1/network/actions/{id}", "action item", &NetworkService::DeleteAction);

  router.Add("GET", "/api/v1/network/kinds", Access::kAuthenticated, [](Call&) -> Result<Response> {
    json items = json::array();
    for (const auto& info : network::AllKinds()) {
      items.push_back({{"code", info.code}, {"name_th", info.name_th}, {"name_en", info.name_en}});
    }
    return Ok({{"items", items}});
  });

  // ---- partner organisations ------------------------------------------------------------------

  // ?org=CODE&kind=school&q=text&archived=true
  router.Add("GET", "/api/v1/network/partners", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    network::PartnerQuery query;
    if (auto v = call.request.Query("archived"); v && !v->empty()) {
      if (*v != "true" && *v != "false") return Status::Invalid("archived is true or false", "archived");
      query.archived = *v == "true";
    }
    if (auto v = call.request.Query("kind"); v && !v->empty()) {
      ASSIGN_OR_RETURN(query.kind, network::ParseKind(*v));
    }
    if (auto v = call.request.Query("q"); v && !v->empty()) {
      if (v->size() > 200) return Status::Invalid("q is at most 200 characters", "q");
      query.text = *v;
    }
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      RETURN_IF_ERROR(OrgFilter(call, work, query.org_id));
      ASSIGN_OR_RETURN(auto partners, NetworkService().ListPartners(work, query));
      for (const auto& p : partners) items.push_back(PartnerJson(p));
      return Status::Ok();
    }));
    return Ok({{"items", items}});
  });

  router.Add("POST", "/api/v1/network/partners", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(auto org, body.OptString("org", 64));
    ASSIGN_OR_RETURN(Partner partner, ParsePartner(body));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(partner.org_id, NetworkService().TargetOrg(work, org));
      ASSIGN_OR_RETURN(auto added, NetworkService().AddPartner(work, partner));
      out = PartnerJson(added);
      return Status::Ok();
    }));
    return Created(out);
  });

  // With contacts (staff only), agreements and meetings.
  router.Add("GET", "/api/v1/network/partners/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "partner organisation"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto detail, NetworkService().GetPartner(work, id));
      const std::string today = NetworkService::Today(work);
      out = PartnerJson(detail.partner);
      json contacts = json::array();
      for (const auto& c : detail.contacts) contacts.push_back(ContactJson(c));
      json agreements = json::array();
      for (const auto& a : detail.agreements) agreements.push_back(AgreementJson(a, today));
      json meetings = json::array();
      for (const auto& m : detail.meetings) meetings.push_back(MeetingSummaryJson(m));
      out["contacts_visible"] = detail.contacts_visible;
      out["contacts"] = contacts;
      out["agreements"] = agreements;
      out["meetings"] = meetings;
      return Status::Ok();
    }));
    return Ok(out);
  });

  router.Add("PUT", "/api/v1/network/partners/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "partner organisation"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(Partner partner, ParsePartner(body));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto updated, NetworkService().UpdatePartner(work, id, partner));
      out = PartnerJson(updated);
      return Status::Ok();
    }));
    return Ok(out);
  });

  // Deleted when nothing names it, else archived: {"id", "outcome": "deleted" | "archived"}.
  router.Add("DELETE", "/api/v1/network/partners/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "partner organisation"));
    network::PartnerRemoval outcome = network::PartnerRemoval::kDeleted;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(outcome, NetworkService().RemovePartner(work, id));
      return Status::Ok();
    }));
    return Ok({{"id", id}, {"outcome", outcome == network::PartnerRemoval::kDeleted ? "deleted" : "archived"}});
  });

  router.Add("POST", "/api/v1/network/partners/{id}/restore", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "partner organisation"));
               json out;
               RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto restored, NetworkService().RestorePartner(work, id));
                 out = PartnerJson(restored);
                 return Status::Ok();
               }));
               return Ok(out);
             });

  // ---- contacts (staff of the LAO only) -------------------------------------------------------

  router.Add("GET", "/api/v1/network/contacts", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      std::optional<int64_t> org_id;
      RETURN_IF_ERROR(OrgFilter(call, work, org_id));
      ASSIGN_OR_RETURN(auto contacts,
                       NetworkService().ListContacts(work, org_id.value_or(work.scope().principal().org_id)));
      for (const auto& c : contacts) items.push_back(ContactJson(c));
      return Status::Ok();
    }));
    return Ok({{"items", items}});
  });

  router.Add("POST", "/api/v1/network/partners/{id}/contacts", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "partner organisation"));
               ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
               ASSIGN_OR_RETURN(Contact contact, ParseContact(body));
               RETURN_IF_ERROR(body.Finish());
               json out;
               RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto added, NetworkService().AddContact(work, id, contact));
                 out = ContactJson(added);
                 return Status::Ok();
               }));
               return Created(out);
             });

  router.Add("PUT", "/api/v1/network/contacts/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "contact"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(Contact contact, ParseContact(body));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto updated, NetworkService().UpdateContact(work, id, contact));
      out = ContactJson(updated);
      return Status::Ok();
    }));
    return Ok(out);
  });

  // ---- agreements -----------------------------------------------------------------------------

  // ?org=CODE&status=active|upcoming|expired&partner_id=N
  router.Add("GET", "/api/v1/network/agreements", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    network::AgreementQuery query;
    std::optional<network::AgreementStatus> status;
    if (auto v = call.request.Query("status"); v && !v->empty()) {
      ASSIGN_OR_RETURN(status, network::ParseAgreementStatus(*v));
    }
    ASSIGN_OR_RETURN(query.partner_id, OptIdQuery(call, "partner_id"));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      RETURN_IF_ERROR(OrgFilter(call, work, query.org_id));
      ASSIGN_OR_RETURN(auto agreements, NetworkService().ListAgreements(work, query, status));
      const std::string today = NetworkService::Today(work);
      for (const auto& a : agreements) items.push_back(AgreementJson(a, today));
      return Status::Ok();
    }));
    return Ok({{"items", items}});
  });

  // ?days=90: active agreements ending within that many days.
  router.Add("GET", "/api/v1/network/agreements/expiring", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    int days = 90;
    if (auto v = call.request.Query("days"); v && !v->empty()) {
      char* end = nullptr;
      const long parsed = std::strtol(v->c_str(), &end, 10);
      if (*end != '\0' || parsed < 1 || parsed > 3650) return Status::Invalid("days must be 1 to 3650", "days");
      days = static_cast<int>(parsed);
    }
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      std::optional<int64_t> org_id;
      RETURN_IF_ERROR(OrgFilter(call, work, org_id));
      ASSIGN_OR_RETURN(auto agreements, NetworkService().ExpiringAgreements(work, org_id, days));
      const std::string today = NetworkService::Today(work);
      for (const auto& a : agreements) items.push_back(AgreementJson(a, today));
      return Status::Ok();
    }));
    return Ok({{"days", days}, {"items", items}});
  });

  router.Add("POST", "/api/v1/network/agreements", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(auto org, body.OptString("org", 64));
    ASSIGN_OR_RETURN(Agreement agreement, ParseAgreement(body));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(agreement.org_id, NetworkService().TargetOrg(work, org));
      ASSIGN_OR_RETURN(auto added, NetworkService().AddAgreement(work, agreement));
      out = AgreementJson(added, NetworkService::Today(work));
      return Status::Ok();
    }));
    return Created(out);
  });

  router.Add("GET", "/api/v1/network/agreements/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "agreement"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto agreement, NetworkService().GetAgreement(work, id));
      out = AgreementJson(agreement, NetworkService::Today(work));
      return Status::Ok();
    }));
    return Ok(out);
  });

  router.Add("PUT", "/api/v1/network/agreements/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "agreement"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(Agreement agreement, ParseAgreement(body));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto updated, NetworkService().UpdateAgreement(work, id, agreement));
      out = AgreementJson(updated, NetworkService::Today(work));
      return Status::Ok();
    }));
    return Ok(out);
  });

  // ---- meetings -------------------------------------------------------------------------------

  // ?org=CODE&partner_id=N
  router.Add("GET", "/api/v1/network/meetings", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    network::MeetingQuery query;
    ASSIGN_OR_RETURN(query.partner_id, OptIdQuery(call, "partner_id"));
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      RETURN_IF_ERROR(OrgFilter(call, work, query.org_id));
      ASSIGN_OR_RETURN(auto meetings, NetworkService().ListMeetings(work, query));
      for (const auto& m : meetings) items.push_back(MeetingSummaryJson(m));
      return Status::Ok();
    }));
    return Ok({{"items", items}});
  });

  router.Add("POST", "/api/v1/network/meetings", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(auto org, body.OptString("org", 64));
    ASSIGN_OR_RETURN(Meeting meeting, ParseMeeting(body, call.request.body));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(meeting.org_id, NetworkService().TargetOrg(work, org));
      ASSIGN_OR_RETURN(auto added, NetworkService().AddMeeting(work, meeting));
      out = MeetingJson(added, NetworkService::Today(work));
      return Status::Ok();
    }));
    return Created(out);
  });

  router.Add("GET", "/api/v1/network/meetings/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "meeting"));
    json out;
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto meeting, NetworkService().GetMeeting(work, id));
      out = MeetingJson(meeting, NetworkService::Today(work));
      return Status::Ok();
    }));
    return Ok(out);
  });

  router.Add("PUT", "/api/v1/network/meetings/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "meeting"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(Meeting meeting, ParseMeeting(body, call.request.body));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto updated, NetworkService().UpdateMeeting(work, id, meeting));
      out = MeetingJson(updated, NetworkService::Today(work));
      return Status::Ok();
    }));
    return Ok(out);
  });

  // ---- action items ---------------------------------------------------------------------------

  // ?org=CODE&status=open|done&overdue=true&meeting_id=N
  router.Add("GET", "/api/v1/network/actions", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    network::ActionQuery query;
    if (auto v = call.request.Query("status"); v && !v->empty()) {
      ASSIGN_OR_RETURN(query.status, network::ParseActionStatus(*v));
    }
    ASSIGN_OR_RETURN(query.meeting_id, OptIdQuery(call, "meeting_id"));
    bool overdue = false;
    if (auto v = call.request.Query("overdue"); v && !v->empty()) {
      if (*v != "true" && *v != "false") return Status::Invalid("overdue is true or false", "overdue");
      overdue = *v == "true";
    }
    json items = json::array();
    RETURN_IF_ERROR(call.Read([&](UnitOfWork& work) -> Status {
      RETURN_IF_ERROR(OrgFilter(call, work, query.org_id));
      ASSIGN_OR_RETURN(auto actions, NetworkService().ListActions(work, query, overdue));
      const std::string today = NetworkService::Today(work);
      for (const auto& a : actions) items.push_back(ActionJson(a, today));
      return Status::Ok();
    }));
    return Ok({{"items", items}});
  });

  router.Add("POST", "/api/v1/network/meetings/{id}/actions", Access::kAuthenticated,
             [](Call& call) -> Result<Response> {
               ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "meeting"));
               ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
               ASSIGN_OR_RETURN(ActionItem item, ParseAction(body));
               RETURN_IF_ERROR(body.Finish());
               json out;
               RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
                 ASSIGN_OR_RETURN(auto added, NetworkService().AddAction(work, id, item));
                 out = ActionJson(added, NetworkService::Today(work));
                 return Status::Ok();
               }));
               return Created(out);
             });

  router.Add("PUT", "/api/v1/network/actions/{id}", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "action item"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    ASSIGN_OR_RETURN(ActionItem item, ParseAction(body));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto updated, NetworkService().UpdateAction(work, id, item));
      out = ActionJson(updated, NetworkService::Today(work));
      return Status::Ok();
    }));
    return Ok(out);
  });

  // {"status": "done", "done_on": "2026-11-27", "note": "..."} ticks an item done; "open" reopens it.
  router.Add("POST", "/api/v1/network/actions/{id}/status", Access::kAuthenticated, [](Call& call) -> Result<Response> {
    ASSIGN_OR_RETURN(const int64_t id, call.IdParam("id", "action item"));
    ASSIGN_OR_RETURN(auto body, JsonBody::Parse(call.request.body));
    network::ActionStatusChange change;
    ASSIGN_OR_RETURN(const std::string status, body.String("status", 16));
    ASSIGN_OR_RETURN(change.status, network::ParseActionStatus(status));
    ASSIGN_OR_RETURN(change.done_on, body.OptString("done_on", 20));
    ASSIGN_OR_RETURN(change.note, body.OptString("note", network::kMaxNoteChars + 50));
    RETURN_IF_ERROR(body.Finish());
    json out;
    RETURN_IF_ERROR(call.Write([&](UnitOfWork& work) -> Status {
      ASSIGN_OR_RETURN(auto updated, NetworkService().SetActionStatus(work, id, change));
      out = ActionJson(updated, NetworkService::Today(work));
      return Status::Ok();
    }));
    return Ok(out);
  });
}

}  // namespace ecotown::http
