#include "store/sqlite/wal_gather_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <new>
#include <string>

namespace rehook::sqlite {
namespace {

constexpr char kVfsName[] = "rehook-wal-gather";
// WAL file format: a frame is a 24-byte header, then the page; bytes 4..7 of the header hold the
// database size in pages after the commit for the frame that commits a transaction, else 0.
constexpr int kFrameHeaderSize = 24;
// Gathered bytes are written out before they would exceed this: SQLite's unix VFS writes at
// most 128 KiB - 1 bytes per call (it masks the length with 0x1ffff and reports the disk full
// when the rest does not fit). Seven 16 KiB frames per write call.
constexpr std::size_t kMaxGatheredBytes = 0x1ffff;

std::atomic<std::uint64_t> write_calls_issued{0};
std::atomic<std::uint64_t> writes_requested{0};

sqlite3_vfs* RealVfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

// What SQLite allocates for a file of this VFS (szOsFile bytes): this struct, then the real
// VFS's file at `real`.
struct GatherFile {
  sqlite3_file base;  // first: SQLite sees a GatherFile as a sqlite3_file
  sqlite3_file* real = nullptr;
  bool wal = false;
  // The last write was the header of a commit frame: its page is written out at once too.
  bool commit_page_next = false;
  sqlite3_int64 gathered_at = 0;  // file offset of gathered[0]
  std::string gathered;
};

constexpr std::size_t kRealFileOffset = (sizeof(GatherFile) + alignof(std::max_align_t) - 1) /
                                        alignof(std::max_align_t) * alignof(std::max_align_t);

GatherFile* Self(sqlite3_file* file) { return reinterpret_cast<GatherFile*>(file); }
sqlite3_file* Real(sqlite3_file* file) { return Self(file)->real; }

bool IsCommitFrameHeader(const void* data, int size) {
  if (size != kFrameHeaderSize) return false;
  const auto* bytes = static_cast<const unsigned char*>(data);
  return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

int WriteGathered(GatherFile* file) {
  if (file->gathered.empty()) return SQLITE_OK;
  write_calls_issued.fetch_add(1, std::memory_order_relaxed);
  int rc = file->real->pMethods->xWrite(file->real, file->gathered.data(),
                                        static_cast<int>(file->gathered.size()), file->gathered_at);
  file->gathered.clear();
  return rc;
}

// --- io methods: every call but a write first writes out what is gathered ---

int Close(sqlite3_file* file) {
  GatherFile* self = Self(file);
  int flushed = WriteGathered(self);
  int rc = self->real->pMethods ? self->real->pMethods->xClose(self->real) : SQLITE_OK;
  self->~GatherFile();
  return flushed != SQLITE_OK ? flushed : rc;
}

int Read(sqlite3_file* file, void* data, int size, sqlite3_int64 offset) {
  if (int rc = WriteGathered(Self(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xRead(Real(file), data, size, offset);
}

int Write(sqlite3_file* file, const void* data, int size, sqlite3_int64 offset) {
  GatherFile* self = Self(file);
  if (!self->wal) return self->real->pMethods->xWrite(self->real, data, size, offset);
  writes_requested.fetch_add(1, std::memory_order_relaxed);
  const bool contiguous =
      offset == self->gathered_at + static_cast<sqlite3_int64>(self->gathered.size());
  const bool fits = self->gathered.size() + static_cast<std::size_t>(size) <= kMaxGatheredBytes;
  if (!self->gathered.empty() && (!contiguous || !fits)) {
    if (int rc = WriteGathered(self); rc != SQLITE_OK) return rc;
  }
  if (static_cast<std::size_t>(size) > kMaxGatheredBytes) {  // not a frame: write it as it is
    write_calls_issued.fetch_add(1, std::memory_order_relaxed);
    return self->real->pMethods->xWrite(self->real, data, size, offset);
  }
  if (self->gathered.empty()) self->gathered_at = offset;
  self->gathered.append(static_cast<const char*>(data), static_cast<std::size_t>(size));
  // A transaction's frames must all be in the file before SQLite publishes the commit to
  // readers, which follows the commit frame. So a commit frame's header is written out at once
  // with everything before it, and so is the write after it (the commit frame's page). Writing
  // the header at once also covers SQLite's rewrite of frame headers after the commit frame
  // (checksums of a transaction that overwrote its own frames), whose last is the commit
  // frame's header; the earlier ones are written out by the read that precedes each.
  const bool commit_header = IsCommitFrameHeader(data, size);
  if (commit_header || self->commit_page_next) {
    self->commit_page_next = commit_header;
    return WriteGathered(self);
  }
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (int rc = WriteGathered(Self(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xTruncate(Real(file), size);
}

int Sync(sqlite3_file* file, int flags) {
  if (int rc = WriteGathered(Self(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xSync(Real(file), flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  if (int rc = WriteGathered(Self(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xFileSize(Real(file), size);
}

int Lock(sqlite3_file* file, int level) {
  if (int rc = WriteGathered(Self(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xLock(Real(file), level);
}

int Unlock(sqlite3_file* file, int level) {
  if (int rc = WriteGathered(Self(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xUnlock(Real(file), level);
}

int CheckReservedLock(sqlite3_file* file, int* out) {
  if (int rc = WriteGathered(Self(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xCheckReservedLock(Real(file), out);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  if (int rc = WriteGathered(Self(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xFileControl(Real(file), op, arg);
}

// These two describe the device, not the file's content: nothing to write out first.
int SectorSize(sqlite3_file* file) { return Real(file)->pMethods->xSectorSize(Real(file)); }
int DeviceCharacteristics(sqlite3_file* file) {
  return Real(file)->pMethods->xDeviceCharacteristics(Real(file));
}

// Shared memory belongs to the database file, which never gathers.
int ShmMap(sqlite3_file* file, int page, int page_size, int extend, void volatile** memory) {
  return Real(file)->pMethods->xShmMap(Real(file), page, page_size, extend, memory);
}
int ShmLock(sqlite3_file* file, int offset, int count, int flags) {
  return Real(file)->pMethods->xShmLock(Real(file), offset, count, flags);
}
void ShmBarrier(sqlite3_file* file) { Real(file)->pMethods->xShmBarrier(Real(file)); }
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  return Real(file)->pMethods->xShmUnmap(Real(file), delete_flag);
}

int Fetch(sqlite3_file* file, sqlite3_int64 offset, int size, void** out) {
  if (int rc = WriteGathered(Self(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xFetch(Real(file), offset, size, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* pointer) {
  return Real(file)->pMethods->xUnfetch(Real(file), offset, pointer);
}

const sqlite3_io_methods kIoMethods = {
    3,
    Close,
    Read,
    Write,
    Truncate,
    Sync,
    FileSize,
    Lock,
    Unlock,
    CheckReservedLock,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    ShmMap,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

// --- the VFS: opening wraps the real file; everything else is the real VFS's ---

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* real_vfs = RealVfs(vfs);
  auto* self = new (file) GatherFile();
  self->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealFileOffset);
  self->wal = (flags & SQLITE_OPEN_WAL) != 0;
  int rc = real_vfs->xOpen(real_vfs, name, self->real, flags, out_flags);
  // The real file's methods must be version 3 for ours to forward every call; SQLite's unix
  // VFS, the only one rehook runs on, is.
  if (rc == SQLITE_OK && self->real->pMethods && self->real->pMethods->iVersion < 3) {
    self->real->pMethods->xClose(self->real);
    rc = SQLITE_CANTOPEN;
  }
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only when pMethods is set; the real file is closed or was never opened.
    self->~GatherFile();
    file->pMethods = nullptr;
    return rc;
  }
  file->pMethods = &kIoMethods;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return RealVfs(vfs)->xDelete(RealVfs(vfs), name, sync_dir);
}
int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return RealVfs(vfs)->xAccess(RealVfs(vfs), name, flags, out);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return RealVfs(vfs)->xFullPathname(RealVfs(vfs), name, size, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) {
  return RealVfs(vfs)->xDlOpen(RealVfs(vfs), name);
}
void DlError(sqlite3_vfs* vfs, int size, char* out) {
  RealVfs(vfs)->xDlError(RealVfs(vfs), size, out);
}
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return RealVfs(vfs)->xDlSym(RealVfs(vfs), handle, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* handle) { RealVfs(vfs)->xDlClose(RealVfs(vfs), handle); }
int Randomness(sqlite3_vfs* vfs, int size, char* out) {
  return RealVfs(vfs)->xRandomness(RealVfs(vfs), size, out);
}
int Sleep(sqlite3_vfs* vfs, int microseconds) {
  return RealVfs(vfs)->xSleep(RealVfs(vfs), microseconds);
}
int CurrentTime(sqlite3_vfs* vfs, double* out) {
  return RealVfs(vfs)->xCurrentTime(RealVfs(vfs), out);
}
int GetLastError(sqlite3_vfs* vfs, int size, char* out) {
  return RealVfs(vfs)->xGetLastError(RealVfs(vfs), size, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return RealVfs(vfs)->xCurrentTimeInt64(RealVfs(vfs), out);
}

sqlite3_vfs* Register() {
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (!real || real->iVersion < 2) return nullptr;
  static sqlite3_vfs vfs{};
  vfs.iVersion = 2;
  vfs.szOsFile = static_cast<int>(kRealFileOffset) + real->szOsFile;
  vfs.mxPathname = real->mxPathname;
  vfs.zName = kVfsName;
  vfs.pAppData = real;
  vfs.xOpen = Open;
  vfs.xDelete = Delete;
  vfs.xAccess = Access;
  vfs.xFullPathname = FullPathname;
  vfs.xDlOpen = DlOpen;
  vfs.xDlError = DlError;
  vfs.xDlSym = DlSym;
  vfs.xDlClose = DlClose;
  vfs.xRandomness = Randomness;
  vfs.xSleep = Sleep;
  vfs.xCurrentTime = CurrentTime;
  vfs.xGetLastError = GetLastError;
  vfs.xCurrentTimeInt64 = CurrentTimeInt64;
  if (sqlite3_vfs_register(&vfs, /*makeDflt=*/0) != SQLITE_OK) return nullptr;
  return &vfs;
}

}  // namespace

const char* WalGatherVfsName() {
  static sqlite3_vfs* registered = Register();
  return registered ? kVfsName : nullptr;  // nullptr: SQLite's default VFS, without gathering
}

std::uint64_t WalWriteCallsIssued() { return write_calls_issued.load(); }
std::uint64_t WalWritesRequested() { return writes_requested.load(); }

}  // namespace rehook::sqlite
