#pragma once
// Store role: notification channels (domain/notification.h), where rehook tells a team that
// something changed. Few per organization, read whole when a change is to be told.

#include <optional>
#include <string>
#include <vector>

#include "domain/notification.h"
#include "store/queries.h"

namespace rehook {

class NotificationStore {
 public:
  virtual ~NotificationStore() = default;

  virtual void InsertChannel(const NotificationChannel& channel) = 0;
  virtual std::optional<NotificationChannel> GetChannel(const std::string& org_id,
                                                        const std::string& id) = 0;
  // Newest first, a page at a time.
  virtual Page<NotificationChannel> ListChannels(const std::string& org_id,
                                                 const PageRequest& page) = 0;
  // Every channel of the org that wants `kind`.
  virtual std::vector<NotificationChannel> ChannelsFor(const std::string& org_id,
                                                       NotificationKind kind) = 0;
  // False when the org has no such channel.
  virtual bool DeleteChannel(const std::string& org_id, const std::string& id) = 0;
};

}  // namespace rehook
