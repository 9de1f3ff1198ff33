/*
 * xirsa's one native call: swap two paths atomically, so that `render --out` replaces a bundle without a moment
 * when --out does not exist. Node 20's fs has no renameat2(RENAME_EXCHANGE), hence this addon. Node-API only
 * (no node-addon-api), so one build works on every Node version from 20 on.
 *
 *   exchange(a, b)  Linux: renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE), by syscall(2) so that neither
 *                   glibc >= 2.28 nor _GNU_SOURCE is needed. macOS: renamex_np(a, b, RENAME_SWAP).
 *                   Elsewhere: ENOSYS. Throws an Error with Node's usual code ("EXDEV", "EINVAL" when the
 *                   file system cannot exchange, "ENOSYS" when the kernel has no renameat2), errno (negative,
 *                   as Node's fs errors), syscall, path and dest.
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1) /* linux/fs.h */
#endif
#define EXCHANGE_SYSCALL "renameat2"
static int exchange_paths(const char *a, const char *b) {
#ifdef SYS_renameat2
  return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
  errno = ENOSYS;
  return -1;
#endif
}
#elif defined(__APPLE__)
#include <stdio.h>
#define EXCHANGE_SYSCALL "renamex_np"
static int exchange_paths(const char *a, const char *b) { return renamex_np(a, b, RENAME_SWAP); }
#else
#define EXCHANGE_SYSCALL "exchange"
static int exchange_paths(const char *a, const char *b) {
  (void)a;
  (void)b;
  errno = ENOSYS;
  return -1;
}
#endif

/* The errno names a swap can meet; anything else gets "EUNKNOWN" and its number in errno. */
static const char *errno_name(int e) {
  switch (e) {
    case EXDEV: return "EXDEV";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EROFS: return "EROFS";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSPC: return "ENOSPC";
    case EIO: return "EIO";
    case ENOMEM: return "ENOMEM";
#ifdef EDQUOT
    case EDQUOT: return "EDQUOT";
#endif
#if defined(ENOTSUP)
    case ENOTSUP: return "ENOTSUP";
#endif
#if defined(EOPNOTSUPP) && (!defined(ENOTSUP) || EOPNOTSUPP != ENOTSUP)
    case EOPNOTSUPP: return "EOPNOTSUPP";
#endif
    default: return "EUNKNOWN";
  }
}

/* A JS string argument as a malloc'd UTF-8 C string, or NULL after throwing a TypeError. */
static char *string_arg(napi_env env, napi_value value, const char *name) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_string) {
    char msg[64];
    strcpy(msg, "The \"");
    strcat(msg, name);
    strcat(msg, "\" argument must be a string");
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
    return NULL;
  }
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (!s) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, value, s, len + 1, &len) != napi_ok || strlen(s) != len) {
    free(s);
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "paths must not contain NUL bytes");
    return NULL;
  }
  return s;
}

static void set_string(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value v;
  if (napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v) == napi_ok) {
    napi_set_named_property(env, obj, key, v);
  }
}

/* Throws what Node's fs would: "EXDEV: cross-device link not permitted, renameat2 'a' -> 'b'". */
static void throw_errno(napi_env env, int e, const char *a, const char *b) {
  const char *code = errno_name(e);
  const char *text = strerror(e);
  size_t n = strlen(code) + strlen(text) + strlen(EXCHANGE_SYSCALL) + strlen(a) + strlen(b) + 16;
  char *msg = malloc(n);
  napi_value js_code, js_msg, err, js_errno;
  if (!msg) {
    napi_throw_error(env, code, text);
    return;
  }
  strcpy(msg, code);
  strcat(msg, ": ");
  strcat(msg, text);
  strcat(msg, ", " EXCHANGE_SYSCALL " '");
  strcat(msg, a);
  strcat(msg, "' -> '");
  strcat(msg, b);
  strcat(msg, "'");
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &js_code) != napi_ok ||
      napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &js_msg) != napi_ok ||
      napi_create_error(env, js_code, js_msg, &err) != napi_ok) {
    free(msg);
    napi_throw_error(env, code, text);
    return;
  }
  free(msg);
  if (napi_create_int32(env, -e, &js_errno) == napi_ok) napi_set_named_property(env, err, "errno", js_errno);
  set_string(env, err, "code", code);
  set_string(env, err, "syscall", EXCHANGE_SYSCALL);
  set_string(env, err, "path", a);
  set_string(env, err, "dest", b);
  napi_throw(env, err);
}

static napi_value exchange(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc < 2) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "exchange(a, b) takes two paths");
    return NULL;
  }
  char *a = string_arg(env, argv[0], "a");
  if (!a) return NULL;
  char *b = string_arg(env, argv[1], "b");
  if (!b) {
    free(a);
    return NULL;
  }
  if (exchange_paths(a, b) != 0) throw_errno(env, errno, a, b);
  free(a);
  free(b);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "exchange", NAPI_AUTO_LENGTH, exchange, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "exchange", fn) != napi_ok) return NULL;
  return exports;
}
