// mgate lint never talks to PostgreSQL, but an executable linked with libpq loads it and the
// twenty libraries behind it (Kerberos, LDAP, GnuTLS, …) on every start: most of the 6 ms that
// `mgate version` took. So libpqxx is linked statically and the libpq functions it and src/pg
// call are defined here: each loads libpq.so.5 on its first call and forwards to it. A libpq
// function used anywhere else must get a line below (the link fails with an undefined reference
// until it does); the prototypes are libpq-fe.h's, which the compiler checks them against.
#include <dlfcn.h>
#include <libpq-fe.h>

#include <string>

#include "core/config.hpp"

namespace mgate::pg {
namespace {

constexpr const char* kLibpq = "libpq.so.5";

void* libpq() {
  static void* const handle = [] {
    void* loaded = dlopen(kLibpq, RTLD_NOW | RTLD_LOCAL);
    if (!loaded) {
      const char* why = dlerror();
      throw EnvironmentError(std::string("cannot load the PostgreSQL client library ") + kLibpq +
                             " (Debian package libpq5): " + (why ? why : "not found"));
    }
    return loaded;
  }();
  return handle;
}

template <typename Function>
Function resolve(const char* name) {
  void* address = dlsym(libpq(), name);
  if (!address) {
    throw EnvironmentError(std::string(kLibpq) + " has no " + name +
                           ": it is older than the libpq mgate was built with");
  }
  return reinterpret_cast<Function>(address);
}

}  // namespace
}  // namespace mgate::pg

#define MGATE_LIBPQ(result, name, parameters, arguments)                    \
  extern "C" result name parameters {                                       \
    static const auto forward = mgate::pg::resolve<decltype(&name)>(#name); \
    return forward arguments;                                               \
  }

MGATE_LIBPQ(int, PQbackendPID, (const PGconn* conn), (conn))
MGATE_LIBPQ(int, PQcancel, (PGcancel * cancel, char* errbuf, int errbufsize),
            (cancel, errbuf, errbufsize))
MGATE_LIBPQ(void, PQclear, (PGresult * res), (res))
MGATE_LIBPQ(int, PQclientEncoding, (const PGconn* conn), (conn))
MGATE_LIBPQ(char*, PQcmdStatus, (PGresult * res), (res))
MGATE_LIBPQ(char*, PQcmdTuples, (PGresult * res), (res))
MGATE_LIBPQ(PQconninfoOption*, PQconndefaults, (), ())
MGATE_LIBPQ(PostgresPollingStatusType, PQconnectPoll, (PGconn * conn), (conn))
MGATE_LIBPQ(PGconn*, PQconnectStart, (const char* conninfo), (conninfo))
MGATE_LIBPQ(PGconn*, PQconnectdb, (const char* conninfo), (conninfo))
MGATE_LIBPQ(void, PQconninfoFree, (PQconninfoOption * connOptions), (connOptions))
MGATE_LIBPQ(int, PQconsumeInput, (PGconn * conn), (conn))
MGATE_LIBPQ(char*, PQdb, (const PGconn* conn), (conn))
MGATE_LIBPQ(char*, PQencryptPassword, (const char* passwd, const char* user), (passwd, user))
MGATE_LIBPQ(int, PQendcopy, (PGconn * conn), (conn))
MGATE_LIBPQ(char*, PQerrorMessage, (const PGconn* conn), (conn))
MGATE_LIBPQ(unsigned char*, PQescapeByteaConn,
            (PGconn * conn, const unsigned char* from, size_t from_length, size_t* to_length),
            (conn, from, from_length, to_length))
MGATE_LIBPQ(char*, PQescapeIdentifier, (PGconn * conn, const char* str, size_t len),
            (conn, str, len))
MGATE_LIBPQ(size_t, PQescapeStringConn,
            (PGconn * conn, char* to, const char* from, size_t length, int* error),
            (conn, to, from, length, error))
MGATE_LIBPQ(PGresult*, PQexec, (PGconn * conn, const char* query), (conn, query))
MGATE_LIBPQ(PGresult*, PQexecParams,
            (PGconn * conn, const char* command, int nParams, const Oid* paramTypes,
             const char* const* paramValues, const int* paramLengths, const int* paramFormats,
             int resultFormat),
            (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats,
             resultFormat))
MGATE_LIBPQ(PGresult*, PQexecPrepared,
            (PGconn * conn, const char* stmtName, int nParams, const char* const* paramValues,
             const int* paramLengths, const int* paramFormats, int resultFormat),
            (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat))
MGATE_LIBPQ(void, PQfinish, (PGconn * conn), (conn))
MGATE_LIBPQ(char*, PQfname, (const PGresult* res, int field_num), (res, field_num))
MGATE_LIBPQ(int, PQfnumber, (const PGresult* res, const char* field_name), (res, field_name))
MGATE_LIBPQ(void, PQfreeCancel, (PGcancel * cancel), (cancel))
MGATE_LIBPQ(void, PQfreemem, (void* ptr), (ptr))
MGATE_LIBPQ(Oid, PQftable, (const PGresult* res, int field_num), (res, field_num))
MGATE_LIBPQ(int, PQftablecol, (const PGresult* res, int field_num), (res, field_num))
MGATE_LIBPQ(Oid, PQftype, (const PGresult* res, int field_num), (res, field_num))
MGATE_LIBPQ(PGcancel*, PQgetCancel, (PGconn * conn), (conn))
MGATE_LIBPQ(int, PQgetCopyData, (PGconn * conn, char** buffer, int async), (conn, buffer, async))
MGATE_LIBPQ(PGresult*, PQgetResult, (PGconn * conn), (conn))
MGATE_LIBPQ(int, PQgetisnull, (const PGresult* res, int tup_num, int field_num),
            (res, tup_num, field_num))
MGATE_LIBPQ(int, PQgetlength, (const PGresult* res, int tup_num, int field_num),
            (res, tup_num, field_num))
MGATE_LIBPQ(char*, PQgetvalue, (const PGresult* res, int tup_num, int field_num),
            (res, tup_num, field_num))
MGATE_LIBPQ(char*, PQhost, (const PGconn* conn), (conn))
MGATE_LIBPQ(int, PQisBusy, (PGconn * conn), (conn))
MGATE_LIBPQ(int, PQisthreadsafe, (), ())
MGATE_LIBPQ(int, PQnfields, (const PGresult* res), (res))
MGATE_LIBPQ(PGnotify*, PQnotifies, (PGconn * conn), (conn))
MGATE_LIBPQ(int, PQntuples, (const PGresult* res), (res))
MGATE_LIBPQ(Oid, PQoidValue, (const PGresult* res), (res))
MGATE_LIBPQ(PGPing, PQping, (const char* conninfo), (conninfo))
MGATE_LIBPQ(char*, PQport, (const PGconn* conn), (conn))
MGATE_LIBPQ(PGresult*, PQprepare,
            (PGconn * conn, const char* stmtName, const char* query, int nParams,
             const Oid* paramTypes),
            (conn, stmtName, query, nParams, paramTypes))
MGATE_LIBPQ(int, PQprotocolVersion, (const PGconn* conn), (conn))
MGATE_LIBPQ(int, PQputCopyData, (PGconn * conn, const char* buffer, int nbytes),
            (conn, buffer, nbytes))
MGATE_LIBPQ(int, PQputCopyEnd, (PGconn * conn, const char* errormsg), (conn, errormsg))
MGATE_LIBPQ(void, PQreset, (PGconn * conn), (conn))
MGATE_LIBPQ(char*, PQresultErrorField, (const PGresult* res, int fieldcode), (res, fieldcode))
MGATE_LIBPQ(char*, PQresultErrorMessage, (const PGresult* res), (res))
MGATE_LIBPQ(ExecStatusType, PQresultStatus, (const PGresult* res), (res))
MGATE_LIBPQ(int, PQsendPrepare,
            (PGconn * conn, const char* stmtName, const char* query, int nParams,
             const Oid* paramTypes),
            (conn, stmtName, query, nParams, paramTypes))
MGATE_LIBPQ(int, PQsendQuery, (PGconn * conn, const char* query), (conn, query))
MGATE_LIBPQ(int, PQsendQueryPrepared,
            (PGconn * conn, const char* stmtName, int nParams, const char* const* paramValues,
             const int* paramLengths, const int* paramFormats, int resultFormat),
            (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat))
MGATE_LIBPQ(int, PQserverVersion, (const PGconn* conn), (conn))
MGATE_LIBPQ(int, PQsetClientEncoding, (PGconn * conn, const char* encoding), (conn, encoding))
MGATE_LIBPQ(PGVerbosity, PQsetErrorVerbosity, (PGconn * conn, PGVerbosity verbosity),
            (conn, verbosity))
MGATE_LIBPQ(PQnoticeProcessor, PQsetNoticeProcessor,
            (PGconn * conn, PQnoticeProcessor proc, void* arg), (conn, proc, arg))
MGATE_LIBPQ(int, PQsocket, (const PGconn* conn), (conn))
MGATE_LIBPQ(ConnStatusType, PQstatus, (const PGconn* conn), (conn))
MGATE_LIBPQ(void, PQtrace, (PGconn * conn, FILE* debug_port), (conn, debug_port))
MGATE_LIBPQ(unsigned char*, PQunescapeBytea, (const unsigned char* strtext, size_t* retbuflen),
            (strtext, retbuflen))
MGATE_LIBPQ(void, PQuntrace, (PGconn * conn), (conn))
MGATE_LIBPQ(char*, PQuser, (const PGconn* conn), (conn))
MGATE_LIBPQ(int, lo_close, (PGconn * conn, int fd), (conn, fd))
MGATE_LIBPQ(Oid, lo_creat, (PGconn * conn, int mode), (conn, mode))
MGATE_LIBPQ(int, lo_export, (PGconn * conn, Oid lobjId, const char* filename),
            (conn, lobjId, filename))
MGATE_LIBPQ(Oid, lo_import, (PGconn * conn, const char* filename), (conn, filename))
MGATE_LIBPQ(int, lo_lseek, (PGconn * conn, int fd, int offset, int whence),
            (conn, fd, offset, whence))
MGATE_LIBPQ(int, lo_open, (PGconn * conn, Oid lobjId, int mode), (conn, lobjId, mode))
MGATE_LIBPQ(int, lo_read, (PGconn * conn, int fd, char* buf, size_t len), (conn, fd, buf, len))
MGATE_LIBPQ(int, lo_tell, (PGconn * conn, int fd), (conn, fd))
MGATE_LIBPQ(int, lo_unlink, (PGconn * conn, Oid lobjId), (conn, lobjId))
MGATE_LIBPQ(int, lo_write, (PGconn * conn, int fd, const char* buf, size_t len),
            (conn, fd, buf, len))
MGATE_LIBPQ(const char*, pg_encoding_to_char, (int encoding), (encoding))
