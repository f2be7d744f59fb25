#pragma once
// Where `rehook listen` keeps the id of the last event it handled for a source, so that a
// restarted CLI continues after it: one small file per source, replaced atomically (written
// aside, fsync'd, renamed) after every event, so a kill at any moment leaves the old id or the
// new one, never a torn file.

#include <optional>
#include <string>

namespace rehook::cli {

class ListenState {
 public:
  // `path`: the file to use; "" for the default, $XDG_STATE_HOME/rehook/listen/<source_id>
  // (~/.local/state/... when XDG_STATE_HOME is unset).
  ListenState(std::string path, const std::string& source_id);

  const std::string& path() const { return path_; }
  // The last event id saved, if any (a missing or empty file: none).
  std::optional<std::string> Load() const;
  // Throws CliError(usage) when the file cannot be written.
  void Save(const std::string& event_id);
  // Forgets the id (the server no longer has that event).
  void Clear();

 private:
  std::string path_;
};

}  // namespace rehook::cli
