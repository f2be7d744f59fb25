#include "store/sqlite/sqlite_rows.h"

#include "store/header_codec.h"

namespace rehook::sqlite {

Organization ReadOrganization(const Statement& row) {
  Organization org;
  org.id = row.Text(0);
  org.name = row.Text(1);
  org.retention_days = static_cast<int>(row.Int64(2));
  org.created_at = row.Int64(3);
  return org;
}

ApiKey ReadApiKey(const Statement& row) {
  ApiKey key;
  key.id = row.Text(0);
  key.org_id = row.Text(1);
  key.name = row.Text(2);
  key.role = ParseRole(row.Text(3)).value_or(Role::viewer);
  key.key_hash = row.Bytes(4);
  key.key_prefix = row.Text(5);
  key.created_at = row.Int64(6);
  return key;
}

Source ReadSource(const Statement& row) {
  Source source;
  source.id = row.Text(0);
  source.org_id = row.Text(1);
  source.name = row.Text(2);
  source.config_json = row.Text(3);
  source.created_at = row.Int64(4);
  source.updated_at = row.Int64(5);
  return source;
}

Event ReadEvent(const Statement& row) {
  Event event;
  event.id = row.Text(0);
  event.org_id = row.Text(1);
  event.source_id = row.Text(2);
  event.received_at = row.Int64(3);
  event.method = row.Text(4);
  event.path = row.Text(5);
  event.query = row.Text(6);
  auto headers = DecodeHeaders(row.Bytes(7));
  if (!headers) throw StoreError("stored headers of event " + event.id + " are corrupt");
  event.headers = std::move(*headers);
  event.client_ip = row.Text(8);
  event.size = row.Int64(9);
  event.verified = row.Int64(10) != 0;
  return event;
}

}  // namespace rehook::sqlite
