// Runs the ClickHouse engine of libchdb.so as a server: dlopen()s the library (argv[1]) and calls
// chdb_query_cmdline() with the remaining arguments, which never returns while the server is up.
// Usage: chdb-launcher /path/to/libchdb.so --path=... --http_port=... --query=... [-- config overrides]
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

// ClickHouse recurses deeply while parsing and analysing; give it a known stack whatever `ulimit -s`.
#define ENGINE_STACK_BYTES (64UL * 1024 * 1024)

typedef void *(*query_cmdline_fn)(int, char **);
typedef const char *(*result_error_fn)(void *);

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
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "chdb-launcher: %s\n", dlerror());
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
  pthread_join(thread, NULL);
  return 1;
}
