#pragma once
// A thin SQLite VFS over the platform's default one that writes a transaction's WAL frames with
// one write call per 128 KiB instead of two per frame.
//
// SQLite appends a WAL frame as two writes (its 24-byte header, then the page): ~40 write
// calls for a group commit of ~70 captured events, and system calls are dear on the virtual
// machines rehook runs on. This VFS keeps contiguous writes to a WAL file in a buffer and hands
// them to the real file in one write when the header of the frame that commits the transaction
// arrives (only a commit frame's header carries the database size) and again after that frame's
// page; before any other operation on the file (read, size, sync, truncate, lock, close); when a
// write is not contiguous; and before the gathered bytes would exceed what one write call of
// SQLite's unix VFS takes (128 KiB). So every frame of a transaction is in the file before
// SQLite publishes the commit to readers in the WAL index, and durability is unchanged:
// WalSync's fdatasync covers every commit that returned.
//
// A failed write of gathered frames is reported by the call that flushed them (every method SQLite
// calls on a WAL file returns a status), so a transaction whose frames did not reach the file
// fails as it would have without gathering. Other files (the database, temporary files) pass
// straight through.
//
// Relies on: synchronous=NORMAL (with FULL, SQLite may pad a commit to a sector boundary after a
// sync, and the padding's tail would not be written out before the commit is published), and a
// single writer process: frames of a transaction that spilled and then rolled back can stay
// gathered until the file's next call, which would write them over whatever another process
// committed in their place meanwhile (rehook's data-dir lock keeps a second rehook out).

#include <cstdint>

namespace rehook::sqlite {

// Registers the VFS on first use (not as the default) and returns its name, for
// sqlite3_open_v2.
const char* WalGatherVfsName();

// Write calls that reached WAL files through this VFS since the process started, and the
// writes SQLite asked for (for tests and benchmarks: the second exceeds the first by the calls
// saved).
std::uint64_t WalWriteCallsIssued();
std::uint64_t WalWritesRequested();

}  // namespace rehook::sqlite
