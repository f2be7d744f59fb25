#pragma once
// Making files and new names durable. A write is not safe against a power cut until the file is
// fsync'd, and a file created or renamed is not findable after one until its directory is too.
// Every function throws std::system_error naming the path and the reason.

#include <string>

namespace rehook {

// fsync of the file at `path`.
void SyncFile(const std::string& path);

// fdatasync of an open descriptor; `path` only names it in the error.
void SyncDescriptor(int fd, const std::string& path);

// fsync of the directory that holds `path` ("." for a bare name), so that creating, renaming or
// removing `path` survives a power cut.
void SyncDirectoryOf(const std::string& path);

}  // namespace rehook
