/*
 * Kafka-protocol test broker built on librdkafka's mock cluster (Debian: librdkafka-dev).
 *
 *   mock-broker <broker-count> [topic:partitions ...]
 *
 * Creates the topics up front (the mock does not implement CreateTopics), prints the bootstrap
 * address list (host:port,host:port) as ONE line on stdout, then serves until stdin reaches EOF or
 * SIGTERM/SIGINT/SIGHUP arrives. It also dies with its parent (PR_SET_PDEATHSIG), so a crashed or
 * killed test runner never leaves brokers behind. Diagnostics go to stderr; exit 2 on bad usage.
 *
 * Built by test/harness/kafka-mock.ts:  gcc -O2 -o kafka-mock mock-broker.c -lrdkafka
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static void usage(void) {
  fprintf(stderr, "usage: mock-broker <broker-count 1..16> [topic:partitions ...]\n");
  exit(2);
}

int main(int argc, char **argv) {
  if (argc < 2) usage();
  char *end = NULL;
  long brokers = strtol(argv[1], &end, 10);
  if (*argv[1] == '\0' || *end != '\0' || brokers < 1 || brokers > 16) usage();

  /* Die with the parent. Re-check the parent afterwards: it may have died before prctl ran. */
  pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) perror("prctl(PR_SET_PDEATHSIG)");
  if (getppid() != parent) return 1;

  /* Block the stop signals before librdkafka starts its threads (they inherit the mask), then read
   * them synchronously through a signalfd next to stdin. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGHUP);
  if (sigprocmask(SIG_BLOCK, &stop, NULL) != 0) { perror("sigprocmask"); return 1; }
  int sfd = signalfd(-1, &stop, SFD_CLOEXEC);
  if (sfd < 0) { perror("signalfd"); return 1; }
  signal(SIGPIPE, SIG_IGN);

  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* The handle only does the mock's bookkeeping; keep its own logging to errors. */
  if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
    fprintf(stderr, "mock-broker: %s\n", errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "mock-broker: rd_kafka_new: %s\n", errstr); return 1; }

  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, (int)brokers);
  if (!mc) { fprintf(stderr, "mock-broker: rd_kafka_mock_cluster_new failed\n"); return 1; }

  int replication = brokers < 3 ? (int)brokers : 3;
  for (int i = 2; i < argc; i++) {
    char *spec = argv[i];
    char *colon = strrchr(spec, ':');
    long partitions = 1;
    if (colon) {
      *colon = '\0';
      partitions = strtol(colon + 1, &end, 10);
      if (colon[1] == '\0' || *end != '\0' || partitions < 1 || partitions > 10000) usage();
    }
    if (*spec == '\0') usage();
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, spec, (int)partitions, replication);
    if (err) {
      fprintf(stderr, "mock-broker: create topic %s: %s\n", spec, rd_kafka_err2str(err));
      return 1;
    }
  }

  printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
  char buf[4096];
  for (;;) {
    int n = poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("poll");
      break;
    }
    if (fds[1].revents & POLLIN) break; /* SIGTERM / SIGINT / SIGHUP (or parent death) */
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
      if (fds[0].revents & POLLNVAL) break; /* stdin was closed before we started */
      ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
      if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) break; /* EOF: the owner is gone */
    }
  }

  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
