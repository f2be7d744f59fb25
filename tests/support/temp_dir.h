#pragma once
// A fresh directory under $TMPDIR (or /tmp), removed with everything in it when destroyed.

#include <string>

namespace rehook::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace rehook::testing
