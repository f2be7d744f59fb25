#include "store/sql/sql_notification_store.h"

#include "store/sql/sql_paging.h"

namespace rehook {
namespace {

const std::string kColumns = "id, org_id, url, kinds, format, secret, created_at";
const std::string kSelect = "SELECT " + kColumns + " FROM notification_channels";

// Kinds are stored as their names, comma-separated ("destination.circuit_opened,...").
std::string KindsColumn(const std::vector<NotificationKind>& kinds) {
  std::string text;
  for (NotificationKind kind : kinds) {
    if (!text.empty()) text += ',';
    text += NotificationKindName(kind);
  }
  return text;
}

std::vector<NotificationKind> ParseKindsColumn(std::string_view text) {
  std::vector<NotificationKind> kinds;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    // A kind this version does not know (written by a newer one) is skipped, not an error.
    if (auto kind = ParseNotificationKind(text.substr(0, comma))) kinds.push_back(*kind);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return kinds;
}

NotificationChannel ReadChannel(const sql::Statement& row) {
  NotificationChannel channel;
  channel.id = row.Text(0);
  channel.org_id = row.Text(1);
  channel.url = row.Text(2);
  channel.kinds = ParseKindsColumn(row.Text(3));
  channel.format = ParseNotificationFormat(row.Text(4)).value_or(NotificationFormat::json);
  channel.secret = row.Text(5);
  channel.created_at = row.Int64(6);
  return channel;
}

}  // namespace

void SqlNotificationStore::InsertChannel(const NotificationChannel& channel) {
  backend_.Write([&](sql::Session& db) {
    db.Prepare("INSERT INTO notification_channels (" + kColumns +
               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        ->BindAll(channel.id, channel.org_id, channel.url, KindsColumn(channel.kinds),
                  std::string(NotificationFormatName(channel.format)), channel.secret,
                  channel.created_at)
        .Run();
  });
}

std::optional<NotificationChannel> SqlNotificationStore::GetChannel(const std::string& org_id,
                                                                    const std::string& id) {
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(kSelect + " WHERE org_id = ?1 AND id = ?2")
        ->BindAll(org_id, id)
        .ReadFirst(ReadChannel);
  });
}

Page<NotificationChannel> SqlNotificationStore::ListChannels(const std::string& org_id,
                                                             const PageRequest& page) {
  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(kSelect + " WHERE org_id = ?1 AND " + sql::NewestFirstPage(2));
    select->Bind(org_id);
    sql::BindPage(*select, page);
    return sql::ReadPage<NotificationChannel>(*select, page, ReadChannel);
  });
}

std::vector<NotificationChannel> SqlNotificationStore::ChannelsFor(const std::string& org_id,
                                                                   NotificationKind kind) {
  std::vector<NotificationChannel> all = backend_.Read([&](sql::Session& db) {
    return db.Prepare(kSelect + " WHERE org_id = ?1 ORDER BY created_at, id")
        ->BindAll(org_id)
        .ReadAll(ReadChannel);
  });
  std::erase_if(all, [&](const NotificationChannel& channel) { return !channel.Wants(kind); });
  return all;
}

bool SqlNotificationStore::DeleteChannel(const std::string& org_id, const std::string& id) {
  return backend_.Write([&](sql::Session& db) {
    return db.Prepare("DELETE FROM notification_channels WHERE org_id = ?1 AND id = ?2")
               ->BindAll(org_id, id)
               .Run() > 0;
  });
}

}  // namespace rehook
