// Runs the ClickHouse engine of libchdb.so as a server: dlopen()s the library (argv[1]) and calls
// chdb_query_cmdline() with the remaining arguments, which never returns while the server is up.
// Usage: chdb-launcher /path/to/libchdb.so --path=... --http_port=... --query=... [-- config overrides]
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

// ClickHouse recurses deeply while parsing and analysing; give it a known stack whatever `ulimit -s`.
#define ENGINE_STACK_BYTES (64UL * 1024 * 1024)

typedef void *(*query_cmdline_fn)(int, char **);
typedef const char *(*result_error_fn)(void *);

// How often the library's clean file pages are dropped from this process (see drop_clean_pages);
// CHDB_LAUNCHER_DROP_PAGES_EVERY_S overrides it, 0 turns it off (to measure what it buys).
#define DROP_CLEAN_PAGES_EVERY_SECONDS 2

/*
 * The library holds 381 MiB of machine code and 145 MiB of read-only data (relocations, constants,
 * unwind tables). Loading and starting the engine touch ~200 MiB of them (relocation tables read
 * once, start-up code, and the kernel's fault-around maps neighbouring pages too), and they stay in
 * this process's RSS although most are never used again: measured, about half the engine's RSS.
 * They are clean pages of the library file, so MADV_DONTNEED only unmaps them here: the page cache
 * keeps them, and a page used again is mapped back by a minor fault. Only read-only mappings of the
 * library without any anonymous (copied-on-write, e.g. relocated RELRO) page are dropped: their
 * content is exactly the file's.
 */
static void drop_clean_pages(const char *library) {
  FILE *smaps = fopen("/proc/self/smaps", "r");
  if (smaps == NULL) return;
  char line[4096];
  unsigned long start = 0, end = 0;
  int candidate = 0;
  while (fgets(line, sizeof line, smaps) != NULL) {
    unsigned long from, to;
    char perms[8];
    int path_at = 0;
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &from, &to, perms, &path_at) == 3 && path_at > 0) {
      line[strcspn(line, "\n")] = '\0';
      start = from;
      end = to;
      candidate = strchr(perms, 'w') == NULL && strcmp(line + path_at, library) == 0;
      continue;
    }
    unsigned long anonymous_kb;
    if (candidate && sscanf(line, "Anonymous: %lu kB", &anonymous_kb) == 1) {
      if (anonymous_kb == 0) madvise((void *)start, end - start, MADV_DONTNEED);
      candidate = 0;
    }
  }
  fclose(smaps);
}

struct dropper {
  const char *library;
  unsigned seconds;
};

static void *drop_clean_pages_forever(void *arg) {
  struct dropper *dropper = arg;
  for (;;) {
    sleep(dropper->seconds);
    drop_clean_pages(dropper->library);
  }
  return NULL;
}

struct engine_call {
  query_cmdline_fn query_cmdline;
  result_error_fn result_error;
  int argc;
  char **argv;
};

static void *run_engine(void *arg) {
  struct engine_call *call = arg;
  void *result = call->query_cmdline(call->argc, call->argv);
  const char *error = result != NULL ? call->result_error(result) : "no result";
  // Reaching this point means the server stopped serving (or never started): always a failure.
  fprintf(stderr, "chdb-launcher: engine returned%s%s\n", error ? ": " : "", error ? error : "");
  _exit(1); // not exit(): the engine's static destructors may wait on its still-running threads
}

int main(int argc, char **argv) {
  // Die with the parent (SIGKILL: MergeTree is crash-safe, and a hung shutdown must not keep ports).
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The parent may already be gone before prctl() took effect.
  const char *parent = getenv("CHDB_LAUNCHER_PARENT_PID");
  if (parent != NULL && getppid() != (pid_t)atol(parent)) {
    fprintf(stderr, "chdb-launcher: parent %s is gone\n", parent);
    return 1;
  }

  if (argc < 2) {
    fprintf(stderr, "usage: %s /path/to/libchdb.so [clickhouse-local arguments...]\n", argv[0]);
    return 2;
  }
  // The path as /proc/self/smaps names the mapping.
  char *library = realpath(argv[1], NULL);
  void *lib = library != NULL ? dlopen(library, RTLD_NOW | RTLD_LOCAL) : NULL;
  if (lib == NULL) {
    fprintf(stderr, "chdb-launcher: %s\n", library != NULL ? dlerror() : strerror(errno));
    return 2;
  }
  struct engine_call call = {
    .query_cmdline = (query_cmdline_fn)dlsym(lib, "chdb_query_cmdline"),
    .result_error = (result_error_fn)dlsym(lib, "chdb_result_error"),
    .argc = argc - 1,
    .argv = argv + 1,
  };
  if (call.query_cmdline == NULL || call.result_error == NULL) {
    fprintf(stderr, "chdb-launcher: %s does not export the chdb C API\n", argv[1]);
    return 2;
  }
  argv[1] = "clickhouse"; // program name as seen by the engine's argument parser

  pthread_attr_t attr;
  pthread_t thread;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, ENGINE_STACK_BYTES);
  if (pthread_create(&thread, &attr, run_engine, &call) != 0) {
    perror("chdb-launcher: pthread_create");
    return 2;
  }
  const char *every = getenv("CHDB_LAUNCHER_DROP_PAGES_EVERY_S");
  static struct dropper dropper;
  dropper.library = library;
  dropper.seconds = every != NULL ? (unsigned)atoi(every) : DROP_CLEAN_PAGES_EVERY_SECONDS;
  if (dropper.seconds > 0) {
    drop_clean_pages(library); // the relocation tables, read once by dlopen
    pthread_t dropper_thread;
    pthread_create(&dropper_thread, NULL, drop_clean_pages_forever, &dropper);
  }
  pthread_join(thread, NULL);
  return 1;
}
