// SqlNetworkStore: the cooperation network on either SQL dialect, bound to one Scope.
#pragma once

#include "modules/network/network.h"
#include "modules/tenancy/access.h"
#include "store/database.h"

namespace ecotown::store {

class SqlNetworkStore final : public network::NetworkStore {
 public:
  SqlNetworkStore(Connection& conn, const tenancy::Scope& scope) : conn_(conn), scope_(scope) {}

  Result<int64_t> InsertPartner(const network::Partner& partner) override;
  Result<network::Partner> GetPartner(int64_t id) override;
  Result<std::vector<network::Partner>> ListPartners(const network::PartnerQuery& query) override;
  Status UpdatePartner(const network::Partner& partner) override;
  Result<int64_t> PartnerReferences(const network::Partner& partner) override;
  Status DeletePartner(const network::Partner& partner) override;
  Status SetPartnerArchived(const network::Partner& partner, std::optional<int64_t> archived_at) override;

  Result<int64_t> InsertContact(const network::Contact& contact) override;
  Result<network::Contact> GetContact(int64_t id) override;
  Result<std::vector<network::Contact>> ListContacts(int64_t org_id, std::optional<int64_t> partner_id) override;
  Status UpdateContact(const network::Contact& contact) override;
  Status DeleteContact(const network::Contact& contact) override;

  Result<int64_t> InsertAgreement(const network::Agreement& agreement) override;
  Result<network::Agreement> GetAgreement(int64_t id) override;
  Result<std::vector<network::Agreement>> ListAgreements(const network::AgreementQuery& query) override;
  Status UpdateAgreement(const network::Agreement& agreement) override;
  Status DeleteAgreement(const network::Agreement& agreement) override;

  Result<int64_t> InsertMeeting(const network::Meeting& meeting) override;
  Result<network::Meeting> GetMeeting(int64_t id) override;
  Result<std::vector<network::Meeting>> ListMeetings(const network::MeetingQuery& query) override;
  Status UpdateMeeting(const network::Meeting& meeting) override;
  Status DeleteMeeting(const network::Meeting& meeting) override;

  Result<int64_t> InsertAction(const network::ActionItem& item) override;
  Result<network::ActionItem> GetAction(int64_t id) override;
  Result<std::vector<network::ActionItem>> ListActions(const network::ActionQuery& query) override;
  Status UpdateAction(const network::ActionItem& item) override;
  Status DeleteAction(const network::ActionItem& item) override;

 private:
  Status PutParties(const network::Agreement& agreement);
  Status PutAttendees(const network::Meeting& meeting);
  Status LoadParties(std::vector<network::Agreement>& agreements);

  Connection& conn_;
  const tenancy::Scope& scope_;
};

}  // namespace ecotown::store
