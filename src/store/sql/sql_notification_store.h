#pragma once
// NotificationStore over the SQL backend, for either engine.

#include "store/roles/notification_store.h"
#include "store/sql/sql_backend.h"

namespace rehook {

class SqlNotificationStore final : public NotificationStore {
 public:
  explicit SqlNotificationStore(sql::Backend& backend) : backend_(backend) {}

  void InsertChannel(const NotificationChannel& channel) override;
  std::optional<NotificationChannel> GetChannel(const std::string& org_id,
                                                const std::string& id) override;
  Page<NotificationChannel> ListChannels(const std::string& org_id,
                                         const PageRequest& page) override;
  std::vector<NotificationChannel> ChannelsFor(const std::string& org_id,
                                               NotificationKind kind) override;
  bool DeleteChannel(const std::string& org_id, const std::string& id) override;

 private:
  sql::Backend& backend_;
};

}  // namespace rehook
