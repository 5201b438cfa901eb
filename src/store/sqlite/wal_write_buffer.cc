#include "store/sqlite/wal_write_buffer.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>

namespace ecotown::store {
namespace {

// 31 frames of 4 KiB pages per system call. SQLite's unix VFS writes at most 128 KiB - 1 per call
// (seekAndWriteFd masks the length with 0x1ffff): a larger write would come back short.
constexpr int kWalBufferBytes = 127 * 1024;
constexpr char kVfsName[] = "ecotown-unix";

sqlite3_vfs* real_vfs = nullptr;  // the default VFS this one wraps (set once, before registering)
std::atomic<int64_t> wal_writes{0};
std::atomic<int64_t> wal_system_calls{0};

// Every file this VFS opens: the wrapped file follows it in the same allocation.
struct File {
  sqlite3_file base;  // first: SQLite sees a File as a sqlite3_file
  sqlite3_file* real = nullptr;
  // A connection's main database file and its WAL, linked while both are open. Both belong to one
  // connection, which SQLite uses from one thread at a time: the links and the buffer need no lock.
  File* wal = nullptr;            // main database: its WAL
  File* db = nullptr;             // WAL: its database; null = not buffered
  const char* db_name = nullptr;  // main database: the name it is registered under
  char* buffer = nullptr;         // WAL: writes not yet in the file
  int buffered = 0;
  sqlite3_int64 buffer_offset = 0;
  int deferred_error = SQLITE_OK;  // a write-out that failed where it could not be reported
};

constexpr int RoundUp8(size_t n) { return static_cast<int>((n + 7) & ~size_t{7}); }

sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<File*>(file)->real; }

// Main database files by the name pointer SQLite opened them with: the WAL's
// sqlite3_filename_database() is that same pointer (one allocation per connection's pager).
std::mutex registry_mutex;
std::unordered_map<const char*, File*>& Registry() {
  static auto* files = new std::unordered_map<const char*, File*>();
  return *files;
}

// Writes the buffer out. The error of an earlier write-out that could not report one comes first.
int Flush(File* f) {
  int rc = f->deferred_error;
  f->deferred_error = SQLITE_OK;
  if (f->buffered > 0) {
    const int written = f->real->pMethods->xWrite(f->real, f->buffer, f->buffered, f->buffer_offset);
    ++wal_system_calls;
    f->buffered = 0;
    if (rc == SQLITE_OK) rc = written;
  }
  return rc;
}

int FlushFile(sqlite3_file* file) { return Flush(reinterpret_cast<File*>(file)); }

// A method of the wrapped file, called as it is.
template <auto kMethod, typename... Args>
auto Forward(sqlite3_file* file, Args... args) {
  return (Real(file)->pMethods->*kMethod)(Real(file), args...);
}

// The same after the buffer has gone out: every use of the file but a write, which would see the
// file without the writes still in the buffer.
template <auto kMethod, typename... Args>
int FlushThen(sqlite3_file* file, Args... args) {
  if (const int rc = FlushFile(file); rc != SQLITE_OK) return rc;
  return Forward<kMethod>(file, args...);
}

int Close(sqlite3_file* file) {
  File* f = reinterpret_cast<File*>(file);
  const int flushed = FlushFile(file);
  {
    std::lock_guard lock(registry_mutex);
    if (f->db) f->db->wal = nullptr;
    // Not expected (SQLite closes the WAL first): the WAL's next use writes its buffer out.
    if (f->wal) f->wal->db = nullptr;
    if (f->db_name) Registry().erase(f->db_name);
  }
  std::free(f->buffer);
  const int rc = f->real->pMethods->xClose(f->real);
  f->~File();
  return flushed != SQLITE_OK ? flushed : rc;
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  File* f = reinterpret_cast<File*>(file);
  if (!f->db) {  // not a buffered WAL (or one whose database was closed first: its buffer goes out now)
    if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xWrite(f->real, data, amount, offset);
  }
  ++wal_writes;
  if (f->buffered > 0 && offset == f->buffer_offset + f->buffered && f->buffered + amount <= kWalBufferBytes) {
    std::memcpy(f->buffer + f->buffered, data, static_cast<size_t>(amount));
    f->buffered += amount;
    return SQLITE_OK;
  }
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  if (amount >= kWalBufferBytes) {
    ++wal_system_calls;
    return f->real->pMethods->xWrite(f->real, data, amount, offset);
  }
  if (!f->buffer) {
    f->buffer = static_cast<char*>(std::malloc(kWalBufferBytes));
    if (!f->buffer) return SQLITE_NOMEM;
  }
  std::memcpy(f->buffer, data, static_cast<size_t>(amount));
  f->buffered = amount;
  f->buffer_offset = offset;
  return SQLITE_OK;
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  if (op == SQLITE_FCNTL_VFSNAME) {
    const int rc = Real(file)->pMethods->xFileControl(Real(file), op, arg);
    if (rc == SQLITE_OK) *static_cast<char**>(arg) = sqlite3_mprintf("%s/%z", kVfsName, *static_cast<char**>(arg));
    return rc;
  }
  return FlushThen<&sqlite3_io_methods::xFileControl>(file, op, arg);
}

// SQLite calls this on the database file between the two copies of the WAL index header it
// writes to publish new frames (walIndexWriteHdr): the frames go to the file first. No error can
// be returned here; one is kept for the WAL's next operation.
void ShmBarrier(sqlite3_file* file) {
  File* f = reinterpret_cast<File*>(file);
  if (f->wal) f->wal->deferred_error = Flush(f->wal);
  f->real->pMethods->xShmBarrier(f->real);
}

// One method table per version of the wrapped file's: SQLite decides what a file can do (shared
// memory for WAL, memory maps) from the table's version and entries.
const sqlite3_io_methods* MethodsFor(int version) {
  using M = sqlite3_io_methods;
  static const sqlite3_io_methods v3 = {3,
                                        Close,
                                        FlushThen<&M::xRead, void*, int, sqlite3_int64>,
                                        Write,
                                        FlushThen<&M::xTruncate, sqlite3_int64>,
                                        FlushThen<&M::xSync, int>,
                                        FlushThen<&M::xFileSize, sqlite3_int64*>,
                                        FlushThen<&M::xLock, int>,
                                        FlushThen<&M::xUnlock, int>,
                                        Forward<&M::xCheckReservedLock, int*>,
                                        FileControl,
                                        Forward<&M::xSectorSize>,
                                        Forward<&M::xDeviceCharacteristics>,
                                        Forward<&M::xShmMap, int, int, int, void volatile**>,
                                        Forward<&M::xShmLock, int, int, int>,
                                        ShmBarrier,
                                        Forward<&M::xShmUnmap, int>,
                                        FlushThen<&M::xFetch, sqlite3_int64, int, void**>,
                                        Forward<&M::xUnfetch, sqlite3_int64, void*>};
  static const sqlite3_io_methods v2 = [] {
    sqlite3_io_methods m = v3;
    m.iVersion = 2;
    m.xFetch = nullptr;
    m.xUnfetch = nullptr;
    return m;
  }();
  static const sqlite3_io_methods v1 = [] {
    sqlite3_io_methods m = v2;
    m.iVersion = 1;
    m.xShmMap = nullptr;
    m.xShmLock = nullptr;
    m.xShmBarrier = nullptr;
    m.xShmUnmap = nullptr;
    return m;
  }();
  return version >= 3 ? &v3 : version == 2 ? &v2 : &v1;
}

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  File* f = new (file) File();
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + RoundUp8(sizeof(File)));
  f->real->pMethods = nullptr;
  const int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK || !f->real->pMethods) {
    // SQLite calls no method of a file whose open failed, xClose included.
    if (f->real->pMethods) f->real->pMethods->xClose(f->real);
    f->~File();
    file->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  file->pMethods = MethodsFor(f->real->pMethods->iVersion);
  if (name && (flags & SQLITE_OPEN_MAIN_DB)) {
    std::lock_guard lock(registry_mutex);
    f->db_name = name;
    Registry()[name] = f;
  } else if (name && (flags & SQLITE_OPEN_WAL)) {
    std::lock_guard lock(registry_mutex);
    const auto it = Registry().find(sqlite3_filename_database(name));
    if (it != Registry().end() && !it->second->wal) {
      f->db = it->second;
      it->second->wal = f;
    }
  }
  return SQLITE_OK;
}

// The VFS's other methods are the wrapped one's.
template <auto kMethod, typename... Args>
auto VfsForward(sqlite3_vfs*, Args... args) {
  return (real_vfs->*kMethod)(real_vfs, args...);
}

}  // namespace

const char* WalWriteBufferVfs() {
  static const bool registered = [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    static sqlite3_vfs vfs = {};
    vfs.iVersion = 2;
    vfs.szOsFile = RoundUp8(sizeof(File)) + real_vfs->szOsFile;
    vfs.mxPathname = real_vfs->mxPathname;
    vfs.zName = kVfsName;
    vfs.xOpen = Open;
    using V = sqlite3_vfs;
    vfs.xDelete = VfsForward<&V::xDelete, const char*, int>;
    vfs.xAccess = VfsForward<&V::xAccess, const char*, int, int*>;
    vfs.xFullPathname = VfsForward<&V::xFullPathname, const char*, int, char*>;
    vfs.xDlOpen = VfsForward<&V::xDlOpen, const char*>;
    vfs.xDlError = VfsForward<&V::xDlError, int, char*>;
    vfs.xDlSym = VfsForward<&V::xDlSym, void*, const char*>;
    vfs.xDlClose = VfsForward<&V::xDlClose, void*>;
    vfs.xRandomness = VfsForward<&V::xRandomness, int, char*>;
    vfs.xSleep = VfsForward<&V::xSleep, int>;
    vfs.xCurrentTime = VfsForward<&V::xCurrentTime, double*>;
    vfs.xGetLastError = real_vfs->xGetLastError ? VfsForward<&V::xGetLastError, int, char*> : nullptr;
    vfs.xCurrentTimeInt64 = real_vfs->iVersion >= 2 && real_vfs->xCurrentTimeInt64
                                ? VfsForward<&V::xCurrentTimeInt64, sqlite3_int64*>
                                : nullptr;
    return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
  }();
  return registered ? kVfsName : nullptr;
}

WalWriteBufferStats WalWriteBufferCounters() { return {wal_writes.load(), wal_system_calls.load()}; }

}  // namespace ecotown::store
