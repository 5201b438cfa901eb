// A SQLite VFS that gathers a connection's writes to its write-ahead log into one system call.
//
// SQLite writes a WAL frame as two pwrite() calls (the 24-byte frame header, then the 4 KiB page),
// so storing a transaction of N pages costs 2N system calls. Importing the benchmark's M readings
// wrote 880 MB of frames that way, about 480,000 calls, a fifth of the storing thread's time. This
// VFS is the platform's default one (unix) with one difference: each connection's writes to its
// WAL file collect in a buffer while they follow on from each other, and go to the file with one
// pwrite() when
//   - a write does not follow on (SQLite rewrites a frame of the open transaction in place),
//   - the buffer is full (kWalBufferBytes),
//   - anything else touches the file: a read (SQLite reads back frames of its own transaction),
//     sync, truncate, size, lock, file control, close;
//   - the connection is about to publish frames to other connections and processes: SQLite calls
//     the database file's xShmBarrier between the two copies of the WAL index header it writes,
//     and this VFS writes the buffer out there first. A commit is therefore in the file before any
//     reader can see it, whatever PRAGMA synchronous says; with synchronous=FULL (the platform's
//     setting) xSync has written it out and made it durable before that anyway.
// Nothing else changes: the bytes in the file and their order are what SQLite wrote, so a crash
// loses only what SQLite had not committed (the buffer holds no committed frame once xSync or the
// header barrier has run). The database file itself is not buffered.
//
// Writes are buffered only when the WAL file can be matched to its connection's database file
// (sqlite3_filename_database); otherwise the WAL passes straight through.
#pragma once

#include <cstdint>

namespace ecotown::store {

// Registers the VFS once (thread-safe; not the default VFS) and returns its name for
// sqlite3_open_v2.
const char* WalWriteBufferVfs();

// How much the buffers gathered, over every connection of the process since start.
struct WalWriteBufferStats {
  int64_t writes = 0;        // WAL writes SQLite asked for
  int64_t system_calls = 0;  // pwrite() calls that carried them
};
WalWriteBufferStats WalWriteBufferCounters();

}  // namespace ecotown::store
